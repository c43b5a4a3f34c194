// The benchmark's seam: a section is a module in bench/sections/*.ts whose default export is a BenchSection.
// Sections measure; the runner prints, compares with targets and emits JSON. Timings are never asserted in tests.
export interface BenchOptions {
  /** Small sizes for a smoke run (CI): checks the machinery, not the speed. */
  quick: boolean;
  /** A scratch directory for this section, removed after the run. */
  tmpDir: string;
  /** Progress for humans (stderr). */
  log(message: string): void;
}

export type BenchResult = Record<string, number | string>;

/** A target on one metric of the result, e.g. `{ metric: 'evaluationsPerSecond', min: 200_000 }`. */
export interface BenchTarget {
  metric: string;
  min?: number;
  max?: number;
  /** Skip the comparison in --quick runs (sizes too small to mean anything). */
  fullRunOnly?: boolean;
}

export interface BenchSection {
  name: string;
  description: string;
  targets?: BenchTarget[];
  run(options: BenchOptions): Promise<BenchResult>;
}
