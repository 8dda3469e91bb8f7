/**
 * Loaded before the application (`node --import tsx --import ./src/telemetry/preload.ts src/cli.ts`)
 * so tracing is registered before any other module runs.
 */
import { initTracing } from "./tracing.js";

initTracing();
