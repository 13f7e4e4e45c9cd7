// csv-start.js: reading the start of a CSV file in the browser (the
// import screen's header and preview), never the whole file: a small RFC
// 4180 reader that stops at a given number of records.

const START_BYTES = 64 * 1024;        // the first read of a file
const START_MAX = 4 * 1024 * 1024;    // read no further for the header and preview
const PREVIEW_ROWS = 3;

// The complete records at the start of text, at most max of them (RFC
// 4180: quoted fields with doubled quotes, commas and line breaks inside
// quotes; LF, CRLF or CR line ends; a UTF-8 byte order mark; empty lines
// are no record). atEnd: text is the whole file, so its last record needs
// no line end; otherwise a record the slice cut is left out. Malformed
// input throws "line N: ..." as the server would.
export function csvRecords(text, atEnd, max) {
  const records = [];
  let record = [], field = '', quoted = false, wasQuoted = false, line = 1, opened = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    record.push(field);
    if (record.length > 1 || record[0] !== '' || wasQuoted) records.push(record);
    record = []; field = ''; wasQuoted = false;
  };
  while (i < text.length && records.length < max) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') {
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        field += c; i++;
      } else if (text[i + 1] === '"') {
        field += '"'; i += 2;
      } else if (i + 1 === text.length && !atEnd) {
        break; // the slice may have cut a doubled quote
      } else {
        quoted = false; i++;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n')
          throw new Error(`line ${line}: text after the closing quote of field ${record.length + 1}`);
      }
    } else if (c === '"') {
      if (field !== '') throw new Error(`line ${line}: a quote inside the unquoted field ${record.length + 1}`);
      quoted = wasQuoted = true; opened = line; i++;
    } else if (c === ',') {
      record.push(field); field = ''; i++;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && i + 1 === text.length && !atEnd) break; // maybe CR LF, cut
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
    } else {
      field += c; i++;
    }
  }
  if (quoted && atEnd) throw new Error(`line ${opened}: the quote that opens field ${record.length + 1} is never closed`);
  if (atEnd && i === text.length && (record.length || field !== '' || wasQuoted)) endRecord();
  return records;
}

// The header and the first rows of file, reading only its start (more
// only while the header and preview rows are not complete yet).
export async function readStart(file) {
  for (let size = START_BYTES; ; size *= 4) {
    const atEnd = size >= file.size;
    const records = csvRecords(await file.slice(0, size).text(), atEnd, PREVIEW_ROWS + 1);
    if (records.length > PREVIEW_ROWS || atEnd) {
      if (!records.length) throw new Error('the file is empty: it has no header line');
      return { header: records[0], rows: records.slice(1) };
    }
    if (size >= START_MAX) {
      if (records.length) return { header: records[0], rows: records.slice(1) };
      throw new Error(`the header line is longer than ${formatBytes(START_MAX)}`);
    }
  }
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
