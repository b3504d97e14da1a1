"""Speech models: the model list (manifest), what every install shares (install), Vosk models
fetched as zips (vosk_zips) and models made of plain files, Whisper tiny.en (plain_files)."""
