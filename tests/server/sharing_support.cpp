#include "sharing_support.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace worktable::testing {
namespace {

std::runtime_error refused(const std::string& what, const Response& response) {
  return std::runtime_error(what + " failed: " + describe(response));
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

std::vector<Mail> workspaceInvitationMails(const std::filesystem::path& data_dir, const std::string& email) {
  std::vector<Mail> mails = mailsTo(data_dir, email);
  std::erase_if(mails, [](const Mail& mail) { return linkToken(mail.body, kWorkspaceInvitationLink).empty(); });
  return mails;
}

std::string waitForWorkspaceToken(const std::filesystem::path& data_dir, const std::string& email, size_t count) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    std::vector<Mail> mails = workspaceInvitationMails(data_dir, email);
    if (mails.size() >= count) return linkToken(mails[count - 1].body, kWorkspaceInvitationLink);
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("workspace invitation mail #" + std::to_string(count) + " to " + email +
                               " was not written within 5 s (" + std::to_string(mails.size()) + " found)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Response postInvitation(HttpClient& inviter, int64_t workspace_id, const std::string& email, const std::string& role) {
  return inviter.post(workspacePath(workspace_id, "/invitations"), object({{"email", email}, {"role", role}}));
}

Response acceptWorkspaceInvitation(HttpClient& client, const std::string& token) {
  return client.post("/api/v1/workspace-invitations/accept", object({{"token", token}}));
}

SentInvitation inviteToWorkspace(const TestServer& server, HttpClient& inviter, int64_t workspace_id,
                                 const std::string& email, const std::string& role) {
  size_t before = workspaceInvitationMails(server.dataDir(), email).size();
  Response invited = postInvitation(inviter, workspace_id, email, role);
  if (invited.status != 201 || !invited.json()["id"].isInteger()) {
    throw refused("inviting " + email + " as " + role + " to workspace " + std::to_string(workspace_id), invited);
  }
  SentInvitation sent;
  sent.id = invited.json()["id"].integer();
  sent.token = waitForWorkspaceToken(server.dataDir(), email, before + 1);
  return sent;
}

std::string resendInvitation(const TestServer& server, HttpClient& inviter, int64_t workspace_id,
                             int64_t invitation_id, const std::string& email) {
  size_t before = workspaceInvitationMails(server.dataDir(), email).size();
  Response resent = inviter.post(workspacePath(workspace_id, "/invitations/" + std::to_string(invitation_id) + "/resend"),
                                 object({}));
  if (resent.status != 200) throw refused("resending invitation " + std::to_string(invitation_id), resent);
  return waitForWorkspaceToken(server.dataDir(), email, before + 1);
}

void shareWorkspace(const TestServer& server, HttpClient& inviter, int64_t workspace_id, const std::string& email,
                    HttpClient& invitee, const std::string& role) {
  SentInvitation sent = inviteToWorkspace(server, inviter, workspace_id, email, role);
  Response accepted = acceptWorkspaceInvitation(invitee, sent.token);
  if (accepted.status != 200) throw refused("accepting the invitation of " + email, accepted);
}

void expireWorkspaceInvitation(const TestServer& server, int64_t invitation_id) {
  int64_t changed = server.execute(
      "UPDATE workspace_invitations SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = " +
      std::to_string(invitation_id));
  if (changed != 1) throw std::runtime_error("could not age invitation " + std::to_string(invitation_id));
}

Json membersOf(HttpClient& client, int64_t workspace_id) {
  Response listed = client.get(workspacePath(workspace_id, "/members"));
  if (listed.status != 200 || !listed.json().isArray()) {
    throw refused("listing the members of workspace " + std::to_string(workspace_id), listed);
  }
  return listed.json();
}

Json memberEntry(const Json& members, int64_t account_id) {
  for (const Json& entry : members.elements()) {
    if (entry["accountId"].isInteger() && entry["accountId"].integer() == account_id) return entry;
  }
  return Json();
}

Json invitationEntry(const Json& members, int64_t invitation_id) {
  for (const Json& entry : members.elements()) {
    if (entry["accountId"].isNull() && entry["id"].isInteger() && entry["id"].integer() == invitation_id) return entry;
  }
  return Json();
}

std::vector<Json> usersRowsWithEmail(HttpClient& admin, int64_t users_table, const std::string& email) {
  Response listed = admin.get(tablePath(users_table, "/records?limit=1000"));
  if (listed.status != 200) throw refused("listing the Users table", listed);
  std::vector<Json> rows;
  for (const Json& record : listed.json()["records"].elements()) {
    Json value = record["values"]["Email"];
    if (value.isString() && lower(value.str()) == lower(email)) rows.push_back(record);
  }
  return rows;
}

}  // namespace worktable::testing
