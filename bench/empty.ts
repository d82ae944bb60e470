/**
 * Intentionally empty: the cold-start table runs it to show what the runtime alone costs
 * to start, beside the program that opens a channel and publishes.
 * @module
 */
export {};
