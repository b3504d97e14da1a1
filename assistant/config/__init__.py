"""Settings (the file the person edits), its documented form, and the preferences said aloud."""
