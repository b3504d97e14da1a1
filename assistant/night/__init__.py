"""One night: the assistant's loop, hearing, barge-in, speaking, and the wiring that builds it."""
