/**
 * The Markdown of stack one-pagers as Preact nodes: headings, paragraphs, lists, fenced code,
 * quotes, inline code, emphasis and links. Raw HTML is never interpreted (it shows as text), and
 * links keep only http(s), mailto and in-page targets, so a stack definition cannot script the page.
 */
import type { ComponentChildren, VNode } from "preact";

const safeHref = (href: string): string | undefined =>
  /^(https?:|mailto:|#)/i.test(href.trim()) ? href.trim() : undefined;

const inlineRe =
  /`([^`]+)`|\*\*(.+?)\*\*|__(.+?)__|\*([^*\s][^*]*?)\*|\b_([^_\s][^_]*?)_\b|\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|<(https?:\/\/[^>\s]+)>/g;

export function inline(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of text.matchAll(inlineRe)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    const [, code, strong1, strong2, em1, em2, label, href, auto] = m;
    if (code !== undefined) out.push(<code>{code}</code>);
    else if (strong1 ?? strong2) out.push(<strong>{inline((strong1 ?? strong2)!)}</strong>);
    else if (em1 ?? em2) out.push(<em>{inline((em1 ?? em2)!)}</em>);
    else if (label !== undefined) {
      const safe = safeHref(href!);
      out.push(
        safe ? (
          <a href={safe} rel="noopener noreferrer" target="_blank">
            {inline(label)}
          </a>
        ) : (
          label
        ),
      );
    } else if (auto)
      out.push(
        <a href={auto} rel="noopener noreferrer" target="_blank">
          {auto}
        </a>,
      );
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const listItem = /^\s*([-*+]|\d+[.)])\s+(.*)$/;

export function Markdown(props: { source: string; class?: string }): VNode {
  const lines = props.source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: VNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) body.push(lines[i]!);
      i++;
      blocks.push(
        <pre>
          <code>{body.join("\n")}</code>
        </pre>,
      );
      continue;
    }
    const heading = /^\s*(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      // One-pagers start at ### inside a page that already has h1/h2; keep their relative levels.
      const level = Math.min(6, heading[1]!.length + 1);
      const H = `h${level}` as "h2";
      blocks.push(<H>{inline(heading[2]!)}</H>);
      i++;
      continue;
    }
    if (line.trim() === "") {
      i++;
      continue;
    }
    const item = listItem.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]!);
      const items: string[] = [];
      while (i < lines.length) {
        const m = listItem.exec(lines[i]!);
        if (m) items.push(m[2]!);
        else if (/^\s+\S/.test(lines[i]!) && items.length) items[items.length - 1] += " " + lines[i]!.trim();
        else break;
        i++;
      }
      const children = items.map((t) => <li>{inline(t)}</li>);
      blocks.push(ordered ? <ol>{children}</ol> : <ul>{children}</ul>);
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      for (; i < lines.length && /^\s*>/.test(lines[i]!); i++) body.push(lines[i]!.replace(/^\s*>\s?/, ""));
      blocks.push(<blockquote>{inline(body.join(" "))}</blockquote>);
      continue;
    }
    const para: string[] = [];
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.trim() === "" || /^\s*(#{1,6}\s|```|~~~|>)/.test(l) || listItem.test(l)) break;
      para.push(l.trim());
    }
    blocks.push(<p>{inline(para.join(" "))}</p>);
  }
  return <div class={props.class ?? "markdown"}>{blocks}</div>;
}
