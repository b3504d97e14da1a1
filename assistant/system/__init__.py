"""The machine around the assistant: the systemd unit, its watchdog, one instance per data dir."""
