"""xgov core: platform-neutral services, neutral events and messages, the ChatPort.

Nothing in this package imports a chat platform SDK or a web framework; adapters
translate platform payloads into :mod:`bot.events` and render :mod:`bot.messages`.
"""
