"""Platform adapters: each turns platform payloads into neutral events and renders messages."""
