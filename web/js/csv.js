// CSV (RFC 4180) in the page: parse a file into records, each with the line it starts on
// (the header is line 1, as the import report counts), and write records back.

export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = [];
  let cells = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let sawAny = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line += 1;
        cell += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      sawAny = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      sawAny = true;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      if (sawAny || cell !== '' || cells.length) {
        cells.push(cell);
        records.push({ line: start, cells });
      }
      cells = [];
      cell = '';
      sawAny = false;
      line += 1;
      start = line;
    } else {
      cell += c;
      sawAny = true;
    }
  }
  if (sawAny || cell !== '' || cells.length) {
    cells.push(cell);
    records.push({ line: start, cells });
  }
  return records;
}

function quote(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows) {
  return rows.map((cells) => cells.map(quote).join(',')).join('\r\n') + '\r\n';
}
