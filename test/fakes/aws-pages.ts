/**
 * AWS answers `GetAccountAuthorizationDetails` a page at a time: at most `MaxItems` entries (100 unless asked, 1,000
 * at most, and AWS may return fewer while more remain), `IsTruncated` and a `Marker` for the next page. moto answers
 * every user in one page whatever `MaxItems` says, so neither the bot's paging nor its memory per page can be seen
 * against it. This cuts moto's answer to the page a request asks for, as AWS would: the marker is the offset of the
 * page's first user (opaque to the SDK, which only hands it back). Only the users' listing (`Filter=User`) is paged.
 */
export function pageUserDetails(options: { readonly atMost?: number } = {}) {
  return (answer: string, request: string): string => {
    const params = new URLSearchParams(request);
    const filters = [...params].filter(([k]) => k.startsWith('Filter.member.')).map(([, v]) => v);
    if (filters.join() !== 'User') return answer;
    const open = answer.indexOf('<UserDetailList>');
    const close = answer.lastIndexOf('</UserDetailList>');
    if (open < 0 || close < 0) return answer;
    const members = topLevelMembers(answer.slice(open + '<UserDetailList>'.length, close));
    const size = Math.min(Number(params.get('MaxItems') ?? 100), 1000, options.atMost ?? 1000);
    const from = Number(params.get('Marker') ?? 0);
    const next = from + size;
    const truncated = next < members.length;
    return `${answer.slice(0, open)}<UserDetailList>${members.slice(from, next).join('')}</UserDetailList>${answer
      .slice(close + '</UserDetailList>'.length)
      .replace(
        '<IsTruncated>false</IsTruncated>',
        truncated
          ? `<IsTruncated>true</IsTruncated><Marker>${next}</Marker>`
          : '<IsTruncated>false</IsTruncated>',
      )}`;
  };
}

/** The `<member>` elements directly inside a list; a user's tags and policies are `<member>`s too, one level down. */
function topLevelMembers(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (const tag of list.matchAll(/<(\/?)member>/g)) {
    if (tag[1] === '') {
      if (depth++ === 0) start = tag.index;
    } else if (--depth === 0) out.push(list.slice(start, tag.index + tag[0].length));
  }
  return out;
}
