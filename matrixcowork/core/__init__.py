"""The runtime every feature uses: config, the sync loop, commands, chat (the one sender),
store, tracked posts, edits, clock and scheduling, i18n, formatting, encryption."""
