"""Conversation flows: each handler takes a Turn and a neutral event."""
