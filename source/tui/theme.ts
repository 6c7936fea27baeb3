/**
 * Colour tokens by meaning. Components ask for `theme.meter.high` or `theme.status.error`, never for a colour;
 * the colour theme uses only the 16 basic ANSI colours (so a 16-colour terminal shows it as designed) and the
 * monochrome theme (NO_COLOR, `--no-color`) uses only bold, dim and inverse.
 */

/** How one token is drawn: the subset of Ink's Text props a theme may set. */
export interface Style {
	color?: string;
	backgroundColor?: string;
	bold?: boolean;
	dimColor?: boolean;
	inverse?: boolean;
	underline?: boolean;
}

/** Every token the TUI draws with. */
export interface Theme {
	name: 'color' | 'mono';
	text: {normal: Style; dim: Style; label: Style; emphasis: Style};
	/** Section titles and table column headers. */
	heading: Style;
	/** The column the table is sorted by, in the header. */
	sortedHeading: Style;
	/** The selected table row. */
	selected: Style;
	meter: {low: Style; mid: Style; high: Style; empty: Style; budget: Style};
	sparkline: Style;
	status: {ok: Style; warn: Style; error: Style; info: Style; paused: Style};
	plugin: {loaded: Style; loading: Style; failed: Style; unloaded: Style};
	keybar: {key: Style; label: Style};
	alert: Style;
}

/** The 16-colour theme. */
export const colorTheme: Theme = {
	name: 'color',
	text: {normal: {}, dim: {dimColor: true}, label: {color: 'cyan'}, emphasis: {bold: true}},
	heading: {color: 'black', backgroundColor: 'green'},
	sortedHeading: {color: 'black', backgroundColor: 'cyan', bold: true},
	selected: {color: 'black', backgroundColor: 'cyan'},
	meter: {low: {color: 'green'}, mid: {color: 'yellow'}, high: {color: 'red', bold: true}, empty: {dimColor: true}, budget: {color: 'magenta'}},
	sparkline: {color: 'blue'},
	status: {ok: {color: 'green'}, warn: {color: 'yellow'}, error: {color: 'red', bold: true}, info: {color: 'cyan'}, paused: {color: 'black', backgroundColor: 'yellow', bold: true}},
	plugin: {loaded: {color: 'green'}, loading: {color: 'yellow'}, failed: {color: 'red', bold: true}, unloaded: {dimColor: true}},
	keybar: {key: {color: 'black', backgroundColor: 'cyan'}, label: {}},
	alert: {color: 'red'},
};

/** The monochrome theme: no colour at all, meaning carried by bold, dim, inverse and text. */
export const monoTheme: Theme = {
	name: 'mono',
	text: {normal: {}, dim: {dimColor: true}, label: {bold: true}, emphasis: {bold: true}},
	heading: {inverse: true},
	sortedHeading: {inverse: true, bold: true, underline: true},
	selected: {inverse: true},
	meter: {low: {}, mid: {bold: true}, high: {bold: true}, empty: {dimColor: true}, budget: {bold: true}},
	sparkline: {},
	status: {ok: {}, warn: {bold: true}, error: {bold: true}, info: {}, paused: {inverse: true, bold: true}},
	plugin: {loaded: {}, loading: {bold: true}, failed: {bold: true}, unloaded: {dimColor: true}},
	keybar: {key: {inverse: true}, label: {}},
	alert: {bold: true},
};

/**
 * Picks the theme: monochrome when asked (`--no-color`), when NO_COLOR is set to anything non-empty
 * (no-color.org), when FORCE_COLOR is `0` or `false`, or when TERM is `dumb` (unless FORCE_COLOR asks for
 * colour); colour otherwise. `CI` plays no part: a terminal in a CI-flavoured shell is still a terminal.
 */
export function chooseTheme(env: NodeJS.ProcessEnv, options: {color?: boolean} = {}): Theme {
	if (options.color === false) return monoTheme;
	if (options.color === true) return colorTheme;
	if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return monoTheme;
	const force = env['FORCE_COLOR'];
	if (force === '0' || force === 'false') return monoTheme;
	if (force !== undefined) return colorTheme;
	if (env['TERM'] === 'dumb') return monoTheme;
	return colorTheme;
}

/** The meter token for a fill ratio 0..1 (low below 60 %, high from 85 %). */
export function levelStyle(theme: Theme, ratio: number): Style {
	if (ratio >= 0.85) return theme.meter.high;
	if (ratio >= 0.6) return theme.meter.mid;
	return theme.meter.low;
}
