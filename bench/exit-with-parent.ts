// Preloaded (node --import) into a child that does not watch its parent by itself, such as the
// gateway CLI: the child exits as soon as the bench's IPC channel closes, so even a bench killed
// with SIGKILL leaves nothing running. Never sends, reads or waits for messages.
process.on('disconnect', () => process.exit(0));
