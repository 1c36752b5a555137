"""The Slack adapter: Block Kit rendering of the neutral message model (the Bolt port comes later)."""
