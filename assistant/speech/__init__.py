"""Speech engines behind small interfaces: recognizers (PocketSphinx, Vosk) and the synthesizer."""
