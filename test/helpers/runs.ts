/**
 * How many cases a property test tries: all of them in `npm test`, a tenth under mutation testing
 * (`npm run mutate`), which runs the covering tests once per mutant — there the table tests carry
 * the kills, and a property's first cases find what a mutant breaks everywhere.
 */
export const runs = (n: number): number =>
  process.env.WFPLAN_MUTATION ? Math.max(10, Math.ceil(n / 10)) : n;
