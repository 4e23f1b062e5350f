/** Thresholds past which the generator, not the endpoint, limited what was measured. */
export const BOTTLENECK = { sendLagP99Ms: 1, workerUtilization: 0.9 };
