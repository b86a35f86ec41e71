/**
 * Prints the compute-model calibration table of docs/validation.md ("Compute model calibration"):
 * single-GPU training throughput predicted by the kind model (default) and by the old uniform roofline
 * (efficiency 0.6), against NVIDIA DeepLearningExamples' measurements. Run: npx tsx tools/compute-calibration.ts
 */
import { CALIBRATION_CASES, predictThroughput } from '../test/validation/compute-calibration-cases.ts';

for (const c of CALIBRATION_CASES) {
  const now = predictThroughput(c);
  const before = predictThroughput(c, 0.6);
  const err = (p: number): string => `${(((p - c.measured) / c.measured) * 100).toFixed(1)}%`;
  console.log(
    `${c.label} | measured ${c.measured} | before ${before.toFixed(0)} (${err(before)}) | now ${now.toFixed(0)} (${err(now)})`,
  );
}
