#include "users_support.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace worktable::testing {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// The value of a header (first of that name, ignoring case) in a CRLF header block.
std::string headerValue(const std::string& headers, const std::string& name) {
  std::istringstream in(headers);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon != std::string::npos && lower(line.substr(0, colon)) == lower(name)) return trim(line.substr(colon + 1));
  }
  return {};
}

std::string address(const std::string& value) {
  auto open = value.find('<');
  auto close = value.find('>', open);
  if (open != std::string::npos && close != std::string::npos) return value.substr(open + 1, close - open - 1);
  return value;
}

std::runtime_error refused(const std::string& what, const Response& response) {
  return std::runtime_error(what + " failed: " + describe(response));
}

std::string csvCell(const std::string& value) {
  std::string quoted = "\"";
  for (char c : value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

Poco::Dynamic::Var textOrNull(const std::string& value) {
  return value.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(value);
}

}  // namespace

std::vector<Mail> outboxMails(const std::filesystem::path& data_dir) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir / "outbox", error)) {
    if (entry.path().extension() == ".eml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Mail> mails;
  for (const std::filesystem::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::string content = text.str();
    auto blank = content.find("\r\n\r\n");
    Mail mail;
    mail.file = file.filename().string();
    mail.headers = content.substr(0, blank == std::string::npos ? content.size() : blank + 2);
    mail.body = blank == std::string::npos ? std::string() : content.substr(blank + 4);
    mail.to = address(headerValue(mail.headers, "To"));
    mail.subject = headerValue(mail.headers, "Subject");
    mails.push_back(std::move(mail));
  }
  return mails;
}

std::vector<Mail> mailsTo(const std::filesystem::path& data_dir, const std::string& email) {
  std::vector<Mail> mails = outboxMails(data_dir);
  std::erase_if(mails, [&](const Mail& mail) { return lower(mail.to) != lower(email); });
  return mails;
}

std::vector<Mail> waitForMailsTo(const std::filesystem::path& data_dir, const std::string& email, size_t count,
                                 std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<Mail> mails = mailsTo(data_dir, email);
    if (mails.size() >= count || std::chrono::steady_clock::now() >= deadline) return mails;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

std::string linkToken(const std::string& text, const std::string& path) {
  std::smatch match;
  std::regex link(std::regex_replace(path, std::regex(R"([.?*+^$|()\[\]{}\\])"), R"(\$&)") +
                  R"(\?token=([A-Za-z0-9_\-.~%]+))");
  if (std::regex_search(text, match, link)) return match[1];
  return {};
}

Company newCompany(const TestServer& server, const std::string& tag) {
  Company company{signUp(server, newPerson(tag)), 0};
  Response admin = company.tenant.api.get("/api/v1/admin");
  if (admin.status != 200) throw refused("GET /admin", admin);
  company.users_table = admin.json()["usersTableId"].integer();
  return company;
}

Json licenses(Company& company) {
  Response admin = company.tenant.api.get("/api/v1/admin");
  if (admin.status != 200) throw refused("GET /admin", admin);
  return admin.json()["licenses"];
}

void setFreeLicenses(Company& company, int64_t free) {
  int64_t used = licenses(company)["used"].integer();
  Response set = company.tenant.api.put("/api/v1/admin/licenses", object({{"total", used + free}}));
  if (set.status != 200) throw refused("PUT /admin/licenses", set);
}

void flushOutbox(const TestServer& server, Company& company) {
  const std::string& email = company.tenant.person.email;
  size_t before = mailsTo(server.dataDir(), email).size();
  HttpClient client(server.host(), server.port());
  Response asked = client.post("/api/v1/password/forgot", object({{"email", email}}));
  if (asked.status != 202) throw refused("POST /password/forgot", asked);
  if (waitForMailsTo(server.dataDir(), email, before + 1).size() < before + 1) {
    throw std::runtime_error("the reset mail to " + email + " was not written within 5 s");
  }
}

::testing::AssertionResult mentions(const Json& text, const std::string& part) {
  if (!text.isString()) {
    return ::testing::AssertionFailure() << "expected a text mentioning \"" << part << "\", got " << text;
  }
  if (lower(text.str()).find(lower(part)) == std::string::npos) {
    return ::testing::AssertionFailure() << "\"" << text.str() << "\" does not mention \"" << part << "\"";
  }
  return ::testing::AssertionSuccess();
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

Row newRow(const std::string& tag) {
  static std::atomic<int> counter{0};
  std::string n = std::to_string(++counter);
  std::string unique = tag + "-" + std::to_string(::getpid()) + "-" + n;
  return Row{"uid-" + unique, "Grace", "Hopper" + n, unique + "@staff.example.com"};
}

Poco::Dynamic::Var rowValues(const Row& row, const std::string& status) {
  return object({{"User ID", textOrNull(row.user_id)},
                 {"First Name", textOrNull(row.first_name)},
                 {"Last Name", textOrNull(row.last_name)},
                 {"Email", textOrNull(row.email)},
                 {"Status", textOrNull(status)}});
}

std::string csvHeader() { return "User ID,First Name,Last Name,Email,Status\r\n"; }

std::string csvLine(const Row& row, const std::string& status) {
  return csvCell(row.user_id) + "," + csvCell(row.first_name) + "," + csvCell(row.last_name) + "," +
         csvCell(row.email) + "," + csvCell(status) + "\r\n";
}

Response postRow(Company& company, const Poco::Dynamic::Var& values) {
  return company.tenant.api.post(tablePath(company.users_table, "/records"), object({{"values", values}}));
}

Response patchRow(Company& company, int64_t record_id, const Poco::Dynamic::Var& values) {
  return company.tenant.api.patch(recordPath(company.users_table, record_id), object({{"values", values}}));
}

Response deleteRow(Company& company, int64_t record_id) {
  return company.tenant.api.del(recordPath(company.users_table, record_id));
}

Response importRows(Company& company, const std::string& csv) {
  return company.tenant.api.postCsv(tablePath(company.users_table, "/import"), csv);
}

Json getRow(Company& company, int64_t record_id) {
  Response got = company.tenant.api.get(recordPath(company.users_table, record_id));
  if (got.status != 200) throw refused("GET of record " + std::to_string(record_id), got);
  return got.json();
}

Json addActiveRow(Company& company, const Row& row) {
  Response created = postRow(company, rowValues(row, "Active"));
  Json record = created.json();
  if (created.status != 201 || !record["values"]["Validation result"].isString() ||
      record["values"]["Validation result"].str() != "OK") {
    throw refused("adding the Active row " + row.email, created);
  }
  return record;
}

Response acceptInvitation(HttpClient& client, const std::string& token, const std::string& password) {
  return client.post("/api/v1/invitations/accept", object({{"token", token}, {"password", password}}));
}

Response tryLogin(HttpClient& client, const std::string& email, const std::string& password) {
  return client.post("/api/v1/login", object({{"email", email}, {"password", password}}));
}

Staff hire(const TestServer& server, Company& company, const std::string& tag) {
  Staff staff{newRow(tag), 0, 0, HttpClient(server.host(), server.port())};
  staff.record_id = addActiveRow(company, staff.row)["id"].integer();
  std::vector<Mail> mails = waitForMailsTo(server.dataDir(), staff.row.email, 1);
  if (mails.empty()) throw std::runtime_error("no invitation mail to " + staff.row.email + " within 5 s");
  std::string token = linkToken(mails.back().body, "/accept-invitation");
  Response accepted = acceptInvitation(staff.api, token, kStaffPassword);
  if (accepted.status != 200) throw refused("accepting the invitation of " + staff.row.email, accepted);
  staff.account_id = accepted.json()["account"]["id"].integer();
  staff.api.setBearer(login(staff.api, staff.row.email, kStaffPassword));
  return staff;
}

void expireInvitation(const TestServer& server, const std::string& email) {
  // The email column has a collation of the server's own (UNICASE), which a plain SQLite
  // connection lacks: compare lower-cased copies instead.
  int64_t changed = server.execute(
      "UPDATE tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'invitation' AND used_at IS NULL"
      " AND account_id IN (SELECT id FROM accounts WHERE lower(email) = lower($1))",
      email);
  if (changed == 0) throw std::runtime_error("no unused invitation token for " + email);
}

}  // namespace worktable::testing
