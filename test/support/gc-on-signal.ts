// Preloaded (`--expose-gc --import`) into a child service by tests that read
// its memory: SIGUSR2 runs a full garbage collection that also hands freed
// heap pages back to the system. Never part of the service.
type Gc = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;
process.on("SIGUSR2", () =>
  (globalThis as { gc?: Gc }).gc?.({ type: "major", execution: "sync", flavor: "last-resort" }),
);
