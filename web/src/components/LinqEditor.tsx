// The LINQ editor: CodeMirror 6 with LINQ highlighting, completion of tables, fields, functions
// and keywords (from the server's catalog and the compiler's function table), the compiler's
// positioned errors underlined as you type, and Ctrl/Cmd-Enter to run.
import {
  autocompletion,
  closeBrackets,
  type Completion,
  type CompletionContext,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import {
  HighlightStyle,
  StreamLanguage,
  bracketMatching,
  syntaxHighlighting,
  type StringStream,
} from '@codemirror/language';
import { linter, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { useEffect, useRef } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import type { Catalog } from '../lib/types';

const KEYWORDS = [
  'from',
  'where',
  'select',
  'as',
  'group',
  'every',
  'by',
  'and',
  'or',
  'not',
  'in',
  'limit',
  'order',
  'asc',
  'desc',
  'offset',
];

interface LinqState {
  inString: '"' | "'" | null;
}

/** The rest of a string literal (LINQ strings do not span lines). */
function stringBody(stream: StringStream, state: LinqState): string {
  while (!stream.eol()) {
    const ch = stream.next();
    if (ch === '\\' && state.inString === '"') stream.next();
    else if (ch === state.inString) {
      state.inString = null;
      break;
    }
  }
  return 'string';
}

/** LINQ tokens for highlighting: keywords, strings, numbers, durations, function calls, fields. */
const linqLanguage = StreamLanguage.define<LinqState>({
  name: 'linq',
  startState: () => ({ inString: null }),
  token(stream, state) {
    if (state.inString) return stringBody(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    const ch = stream.peek();
    if (ch === '"' || ch === "'") {
      stream.next();
      state.inString = ch;
      return stringBody(stream, state);
    }
    if (stream.match(/^\d+(ms|s|m|h|d|w)\b/)) return 'number';
    if (stream.match(/^\d+(\.\d+)?/)) return 'number';
    if (stream.match(/^[A-Za-z_][\w.]*(?=\s*\()/)) return 'function';
    const word = stream.match(/^[A-Za-z_][\w.*]*/) as RegExpMatchArray | null;
    if (word) {
      if (KEYWORDS.includes(word[0])) return 'keyword';
      if (word[0].startsWith('cloud.') || word[0].startsWith('m365hunt.')) return 'typeName';
      return 'variableName';
    }
    if (stream.match(/^(->>|->|<-|~|!=|<=|>=|=|<|>|\+|-|\*|\/|,)/)) return 'operator';
    stream.next();
    return null;
  },
  tokenTable: { function: tags.function(tags.variableName) },
});

const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--syntax-keyword)', fontWeight: '600' },
  { tag: tags.string, color: 'var(--syntax-string)' },
  { tag: tags.number, color: 'var(--syntax-number)' },
  { tag: tags.function(tags.variableName), color: 'var(--syntax-function)' },
  { tag: tags.typeName, color: 'var(--syntax-table)' },
  { tag: tags.variableName, color: 'var(--text)' },
  { tag: tags.operator, color: 'var(--syntax-operator)' },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
]);

function completionSource(catalog: () => Catalog | null) {
  return (context: CompletionContext) => {
    const word = context.matchBefore(/[\w.*]+/);
    if (!word && !context.explicit) return null;
    const from = word ? word.from : context.pos;
    const before = context.state.doc.sliceString(Math.max(0, from - 40), from);
    const c = catalog();
    const options: Completion[] = [];
    if (/\bfrom\s+$/.test(before)) {
      for (const t of c?.tables ?? [])
        options.push({ label: t.name, type: 'class', info: t.description, boost: 2 });
    } else {
      for (const k of KEYWORDS) options.push({ label: k, type: 'keyword' });
      for (const f of c?.fields ?? [])
        options.push({ label: f.name, type: 'property', detail: f.type, info: f.doc, boost: 1 });
      for (const f of c?.functions ?? []) {
        options.push({
          label: f.name,
          type: 'function',
          detail: f.signature,
          info: f.doc,
          apply: `${f.name}(`,
        });
      }
      for (const t of c?.tables ?? [])
        options.push({ label: t.name, type: 'class', info: t.description, boost: -1 });
    }
    return { from, options, validFor: /^[\w.*]*$/ };
  };
}

/** Offset of a 1-based line and column in the document. */
function offsetOf(state: EditorState, line: number, column: number): number {
  const l = state.doc.line(Math.min(Math.max(1, line), state.doc.lines));
  return Math.min(l.from + Math.max(0, column - 1), l.to);
}

export interface EditorError {
  readonly message: string;
  readonly hint?: string;
  readonly line?: number;
  readonly column?: number;
  readonly length?: number;
}

function diagnostic(state: EditorState, e: EditorError): Diagnostic {
  const from = e.line ? offsetOf(state, e.line, e.column ?? 1) : 0;
  const to = Math.min(state.doc.length, from + Math.max(1, e.length ?? 1));
  return {
    from,
    to: Math.max(to, from),
    severity: 'error',
    message: e.hint ? `${e.message}\nhint: ${e.hint}` : e.message,
  };
}

export function toEditorError(error: unknown): EditorError {
  if (error instanceof ApiError) {
    const p = error.body.position;
    return {
      message: error.body.error,
      hint: error.body.hint,
      line: p?.source === 'query' ? p.line : undefined,
      column: p?.source === 'query' ? p.column : undefined,
      length: p?.length,
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/** Text put into the editor from outside (a link, a saved query); a new version replaces the text. */
export interface EditorDoc {
  readonly text: string;
  readonly version: number;
}

interface Props {
  readonly doc: EditorDoc;
  readonly onChange: (text: string) => void;
  readonly onRun: () => void;
  readonly catalog: Catalog | null;
  /** An error from the last run, shown until the text changes. */
  readonly error: EditorError | null;
  readonly onCheck?: (error: EditorError | null) => void;
}

export function LinqEditor({ doc, onChange, onRun, catalog, error, onCheck }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, onRun, catalog, onCheck });
  latest.current = { onChange, onRun, catalog, onCheck };

  useEffect(() => {
    const checker = linter(
      async (v) => {
        const text = v.state.doc.toString();
        if (!text.trim()) {
          latest.current.onCheck?.(null);
          return [];
        }
        try {
          await api('POST /api/query/check', { body: { query: text } });
          latest.current.onCheck?.(null);
          return [];
        } catch (e) {
          const err = toEditorError(e);
          latest.current.onCheck?.(err);
          return e instanceof ApiError && e.status === 400 ? [diagnostic(v.state, err)] : [];
        }
      },
      { delay: 400 },
    );
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: doc.text,
        extensions: [
          history(),
          closeBrackets(),
          bracketMatching(),
          linqLanguage,
          syntaxHighlighting(highlight),
          autocompletion({
            override: [completionSource(() => latest.current.catalog)],
            activateOnTyping: true,
          }),
          checker,
          lintGutter(),
          placeholder('from cloud.office365.management where …   (Ctrl-Enter runs)'),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({
            'aria-label': 'LINQ query',
            'data-testid': 'linq-editor',
          }),
          keymap.of([
            {
              key: 'Mod-Enter',
              run: () => {
                latest.current.onRun();
                return true;
              },
            },
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is made once; later values arrive through the effect below.
  }, []);

  // The editor owns its text while typing: only a new version from outside replaces it (a
  // controlled editor would fight the keys typed while a render is pending).
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== doc.text) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: doc.text } });
    }
  }, [doc.version]);

  useEffect(() => {
    const v = view.current;
    if (!v || !error) return;
    v.dispatch(setDiagnostics(v.state, [diagnostic(v.state, error)]));
  }, [error]);

  return <div class="editor" ref={host} />;
}
