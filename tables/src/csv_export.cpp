#include <ostream>

#include "worktable/tables/csv.h"

namespace worktable::tables {
namespace {

void writeCell(std::ostream& out, const std::string& text, char delimiter, bool neutralise) {
  std::string cell = text;
  if (neutralise && !cell.empty() &&
      (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' || cell[0] == '\t' || cell[0] == '\r')) {
    cell.insert(cell.begin(), '\'');
  }
  bool quote = cell.find_first_of(std::string("\"\r\n") + delimiter) != std::string::npos ||
               (!cell.empty() && (cell.front() == ' ' || cell.back() == ' '));
  if (!quote) {
    out << cell;
    return;
  }
  out << '"';
  for (char c : cell) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

}  // namespace

void exportCsv(const Engine& engine, Tx& tx, const Table& table, std::ostream& out, char delimiter) {
  for (size_t i = 0; i < table.fields.size(); ++i) {
    if (i) out << delimiter;
    writeCell(out, table.fields[i].name, delimiter, true);
  }
  out << "\r\n";
  engine.forEach(tx, table, [&](const Record& record) {
    for (size_t i = 0; i < table.fields.size(); ++i) {
      if (i) out << delimiter;
      const Field& field = table.fields[i];
      const Value& value = record.values.at(field.name);
      bool text = field.type != FieldType::kNumber && field.type != FieldType::kCheckbox;
      writeCell(out, Engine::formatValue(value), delimiter, text);
    }
    out << "\r\n";
  });
}

}  // namespace worktable::tables
