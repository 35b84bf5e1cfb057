// A stream could not be played or read: what the player says never contains the stream
// name (it is the stream key). The probe's own errors (studio/probe) extend it.
export class PlayError extends Error {}
