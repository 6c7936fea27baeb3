/**
 * The seeded PRNG of property and model tests: the same seed gives the same sequence on every run, so a
 * failure can be replayed. It is the example host's generator (one mulberry32 in the repository).
 */
export {random as seededRandom} from '../../plugins-example/app/random.js';
