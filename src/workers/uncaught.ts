/** Routes this thread's uncaught errors and unhandled rejections to `handler` until the returned function is called. */
export function onUncaught(handler: (err: unknown) => void): () => void {
  process.on('uncaughtException', handler);
  process.on('unhandledRejection', handler);
  return () => {
    process.off('uncaughtException', handler);
    process.off('unhandledRejection', handler);
  };
}
