"""Audio in and out: one chunk type, file conversion, the voice gate, sources and sinks."""
