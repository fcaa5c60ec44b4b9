#include "demo.h"

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <iostream>

#include "json.h"
#include "worktable/accounts/secrets.h"
#include "worktable/tables/csv.h"

namespace worktable::server {
namespace {

constexpr const char* kDemoEmail = "admin@demo.example.com";

tables::TableSpec readSpec(const std::filesystem::path& file) {
  std::ifstream in(file);
  Poco::JSON::Object::Ptr json = Poco::JSON::Parser().parse(in).extract<Poco::JSON::Object::Ptr>();
  tables::TableSpec spec;
  spec.name = json->getValue<std::string>("name");
  Poco::JSON::Array::Ptr fields = json->getArray("fields");
  for (size_t i = 0; i < fields->size(); ++i) spec.fields.push_back(fieldSpecFromJson(fields->get(i)));
  return spec;
}

}  // namespace

void createDemoIfEmpty(Services& s, const std::filesystem::path& samples_dir, std::ostream& console) {
  bool empty = s.db->read([&](sql::Tx& tx) {
    sql::Query q = tx.query("SELECT count(*) FROM companies");
    q.next();
    return q.getInt(0) == 0;
  });
  if (!empty) return;
  std::string password = accounts::newToken().substr(0, 16);
  validators::Owner owner{kDemoEmail, "Ada", "Admin", accounts::hashPassword(password)};
  s.db->write([&](sql::Tx& tx) {
    validators::NewCompany demo = s.administration->createCompany(tx, "Demo Company", owner);
    tables::Workspace workspace = s.workspace_sharing->createWorkspace(tx, demo.company.id, "Demo", demo.owner);
    std::filesystem::path spec_file = samples_dir / "projects.json";
    if (!std::filesystem::exists(spec_file)) return;
    tables::Table table = s.engine->createTable(tx, workspace.id, readSpec(spec_file));
    std::ifstream csv(samples_dir / "projects.csv", std::ios::binary);
    tables::ImportOptions options;
    options.actor = kDemoEmail;
    tables::importCsv(*s.engine, tx, table, csv, options);
  });
  console << "\n  Demo company created. Log in at the address below with\n"
          << "    email:    " << kDemoEmail << "\n"
          << "    password: " << password << "\n"
          << "  (shown this once; sign up to create your own company).\n\n"
          << std::flush;  // before the server answers: a log file is block-buffered
}

}  // namespace worktable::server
