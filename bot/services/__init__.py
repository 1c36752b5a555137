"""Domain services: plain functions taking the session as a keyword, returning views."""
