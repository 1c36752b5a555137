"""Local stand-ins for the platforms, served on 127.0.0.1 for the tests and the benchmarks alike: the
Slack Web API (slack_api.py, its methods in slack_methods.py), Slack's Socket Mode server
(slack_socket_mode.py) and the Bot Framework connector that Teams bots talk to (bot_connector.py).
Nothing in bot/, adapters/, app/, surveys/ or storage/ imports them."""
