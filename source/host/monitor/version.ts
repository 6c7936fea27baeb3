/** perftop's version, as embedded in hello messages and exports. */
export const PERFTOP_VERSION = '0.1.0';
