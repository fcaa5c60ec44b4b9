// How a user table maps to SQL: table "t<id>", one column "f<id>" per field. Names come
// from ids only, so nothing a user types ever reaches SQL text.
#pragma once

#include <string>

#include "worktable/tables/schema.h"
#include "worktable/tables/sql.h"

namespace worktable::tables {

inline std::string tableName(Id table_id) { return "\"t" + std::to_string(table_id) + "\""; }
inline std::string columnName(Id field_id) { return "\"f" + std::to_string(field_id) + "\""; }

// The column definition of a field.
std::string columnType(FieldType type);
void bindValue(sql::Statement& statement, int index, const Value& value);
Value readValue(const sql::Query& query, int column, FieldType type);
// "id, version, f1, f2, ..." for a SELECT of whole records.
std::string recordColumns(const Table& table);
// Reads a row selected with recordColumns.
Record readRecord(const sql::Query& query, const Table& table);

}  // namespace worktable::tables
