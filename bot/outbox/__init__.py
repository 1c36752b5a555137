"""The durable outbox: every outbound message is a row first, then sent once by whichever process claims it."""
