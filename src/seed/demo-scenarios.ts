import type { DemoScenario } from "./demo-scenario.js";
import { contestedScenarios } from "./demo-scenarios-contested.js";
import { dutyScenarios } from "./demo-scenarios-duty.js";

/** The formal investigations of the demo (issue 17): their own cases, seeded after the informal ones. */
export { FORMAL_DEMO_CASES, seedFormalDemoCases } from "./demo-scenarios-formal.js";

/**
 * Every demo scenario, the contested ones spread among those in line of duty. Case `id` takes scenario
 * `id % 14`: 14 shares no factor with the 13 positions the seed spreads cases over, so every scenario
 * shows at every status.
 */
export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  dutyScenarios[0],
  dutyScenarios[1],
  contestedScenarios[0],
  dutyScenarios[2],
  contestedScenarios[1],
  dutyScenarios[3],
  dutyScenarios[4],
  contestedScenarios[2],
  dutyScenarios[5],
  dutyScenarios[6],
  contestedScenarios[3],
  dutyScenarios[7],
  contestedScenarios[4],
  dutyScenarios[8],
];
