"""The Slack adapter on slack-bolt: Block Kit rendering, SlackPort, the listeners that acknowledge at
once, the worker process that does the work after each acknowledgement, HTTP and Socket Mode."""
