// CSV (RFC 4180) in the page: parse a file into records, each with the line it starts on
// (the header is line 1, as the import report counts), and write records back. Like the
// server, a header with more semicolons than commas means semicolon-separated (French
// spreadsheet exports).

// ',' or ';', from the first line of the text.
export function detectDelimiter(text) {
  const header = text.split(/\r?\n/, 1)[0] || '';
  const count = (c) => header.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

// [{line, cells}], and the delimiter found, as records.delimiter.
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delimiter = detectDelimiter(text);
  const records = [];
  records.delimiter = delimiter;
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
    } else if (c === delimiter) {
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

function quote(value, delimiter) {
  const text = value === null || value === undefined ? '' : String(value);
  const special = /["\r\n]/.test(text) || text.includes(delimiter) || /^\s|\s$/.test(text);
  return special ? `"${text.replace(/"/g, '""')}"` : text;
}

// Rows of cells as CSV text, CRLF line ends, separated by `delimiter` (',' unless told).
export function toCsv(rows, delimiter = ',') {
  return rows.map((cells) => cells.map((cell) => quote(cell, delimiter)).join(delimiter)).join('\r\n') + '\r\n';
}
