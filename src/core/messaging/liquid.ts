import { Liquid, type Template } from 'liquidjs';

/*
 * The one LiquidJS engine of guest messages, in strict mode: an unknown filter is a parse error
 * and a variable the context lacks is a render error, never a blank in a sent message. Templates
 * are checked against their trigger's variables when saved (templates.ts), so a render error at
 * send time means the data changed shape, and the message fails with that error.
 */
const options = { strictVariables: true, strictFilters: true, ownPropertyOnly: true, cache: 200 } as const;
const engine = new Liquid(options);
// HTML bodies: every output is escaped (a guest named <b> stays text); `| raw` opts out.
const htmlEngine = new Liquid({ ...options, outputEscape: 'escape' });

export type ParsedTemplate = Template[];

/** Parses `text`; a syntax error or an unknown filter throws with LiquidJS's message (line and column). */
export function parseTemplate(text: string): ParsedTemplate {
  return engine.parse(text);
}

/** The dotted variable paths a parsed template reads from its context (`guest.firstName`). */
export function variablesOf(parsed: ParsedTemplate): string[] {
  return engine.globalVariableSegmentsSync(parsed).map((segments) => segments.map(String).join('.'));
}

/** Renders a template's text with `context` (outputs HTML-escaped with `html`); throws on a variable the context lacks. */
export async function renderTemplate(text: string, context: Record<string, unknown>, opts: { html?: boolean } = {}): Promise<string> {
  return (opts.html ? htmlEngine : engine).parseAndRender(text, context);
}
