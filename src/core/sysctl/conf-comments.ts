// The comment lines directly above an assignment in a sysctl.conf / sysctl.d file: the author's stated reason for it
// (a pasted `# Reduce TIME_WAIT timeout` above `net.ipv4.tcp_fin_timeout = 30`). A blank line ends a comment block.

/** Line number (1-based) of each non-comment, non-blank line mapped to the comment block right above it. */
export function commentsAbove(text: string): Map<number, string> {
  const out = new Map<number, string>();
  let block: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') {
      block = [];
      return;
    }
    if (line.startsWith('#') || line.startsWith(';')) {
      const words = line.replace(/^[#;]+/, '').trim();
      if (words !== '') block.push(words);
      return;
    }
    if (block.length > 0) out.set(i + 1, block.join(' '));
    block = [];
  });
  return out;
}
