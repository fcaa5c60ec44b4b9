#include "access_stamp.h"

#include <cctype>

namespace worktable::accounts {

std::string sqliteAccessTriggers(const std::string& table, std::initializer_list<const char*> events) {
  std::string sql;
  for (std::string event : events) {
    std::string name = "access_" + table + "_" + event;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    sql += "CREATE TRIGGER " + name + " AFTER " + event + " ON " + table +
           " BEGIN UPDATE access_stamp SET value = random(); END;";
  }
  return sql;
}

std::string postgresqlAccessTrigger(const std::string& table, const std::string& events) {
  return "CREATE TRIGGER access_" + table + " AFTER " + events + " ON " + table +
         " FOR EACH ROW EXECUTE FUNCTION access_changed();";
}

}  // namespace worktable::accounts
