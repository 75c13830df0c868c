/**
 * Notices and badges. Data only ever reaches the DOM as text (Preact sets text nodes and attributes,
 * never markup), so nothing the edge or a runner sends can inject HTML.
 */
import { failureLines, fieldLines } from '../api-failure.ts';
import type { Notice } from '../dashboard-state.ts';

export type Tone = 'ok' | 'info' | 'warn' | 'bad';

export function Badge({ text, tone }: { text: string; tone?: Tone | undefined }) {
  return <span class={tone ? `badge ${tone}` : 'badge'}>{text}</span>;
}

export function NoticeView({ notice }: { notice: Notice | null }) {
  if (!notice) return null;
  if (notice.kind === 'text') {
    return (
      <div class={`notice ${notice.tone}`}>
        {notice.lines.map((line) => (
          <div key={line}>{line}</div>
        ))}
        {notice.items?.length ? (
          <ul>
            {notice.items.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  const { context, failure } = notice;
  const fields = fieldLines(failure);
  return (
    <div class="notice error">
      <strong>{`${context}: ${failure.message}`}</strong>
      <span class="muted small">{`  (${failure.code}${failure.status ? `, HTTP ${failure.status}` : ''})`}</span>
      {failureLines(failure).map((line) => (
        <div key={line}>{line}</div>
      ))}
      {fields.length ? (
        <ul>
          {fields.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
