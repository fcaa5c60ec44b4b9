// What the sharing tests (sharing_test, rights_matrix_test, partner_journey_test) share:
// workspace invitations sent and their mailed links, accepting them, the members list,
// ageing an invitation in the server's SQLite file, and the rows of a Users table.
// Helpers that set something up throw std::runtime_error (failing the test with the
// server's answer) when the server refuses. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "users_support.h"
#include "worktable/testing/api.h"

namespace worktable::testing {

inline constexpr const char* kWorkspaceInvitationLink = "/accept-workspace-invitation";

// The mails to `email` that carry a workspace invitation link, oldest first.
std::vector<Mail> workspaceInvitationMails(const std::filesystem::path& data_dir, const std::string& email);
// Waits until `count` workspace invitation mails to `email` were written; returns the token of
// the last one. Throws when they do not arrive within 5 s.
std::string waitForWorkspaceToken(const std::filesystem::path& data_dir, const std::string& email, size_t count);

// POST /workspaces/<wid>/invitations {email, role}.
Response postInvitation(HttpClient& inviter, int64_t workspace_id, const std::string& email, const std::string& role);
// POST /workspace-invitations/accept {token}.
Response acceptWorkspaceInvitation(HttpClient& client, const std::string& token);

struct SentInvitation {
  int64_t id = 0;
  std::string token;  // from the mail
};

// Invites `email` as `role` (throws unless 201) and reads the token from the mail it sent.
SentInvitation inviteToWorkspace(const TestServer& server, HttpClient& inviter, int64_t workspace_id,
                                 const std::string& email, const std::string& role);
// POST …/invitations/<id>/resend (throws unless 200) and reads the new token from the new mail.
std::string resendInvitation(const TestServer& server, HttpClient& inviter, int64_t workspace_id,
                             int64_t invitation_id, const std::string& email);
// Invites `email` as `role` and accepts as `invitee` (logged in with that email); throws
// unless both succeed.
void shareWorkspace(const TestServer& server, HttpClient& inviter, int64_t workspace_id, const std::string& email,
                    HttpClient& invitee, const std::string& role);

// Moves the invitation's expires_at into the past, in the server's database; throws unless
// it changed.
void expireWorkspaceInvitation(const TestServer& server, int64_t invitation_id);

// GET /workspaces/<wid>/members; throws unless 200 with a JSON array.
Json membersOf(HttpClient& client, int64_t workspace_id);
// The member entry of that account (status "active"), or null.
Json memberEntry(const Json& members, int64_t account_id);
// The invitation entry of that invitation id, or null.
Json invitationEntry(const Json& members, int64_t invitation_id);

// The rows of a Users table whose Email is `email` (ignoring case); throws unless the list is 200.
std::vector<Json> usersRowsWithEmail(HttpClient& admin, int64_t users_table, const std::string& email);

}  // namespace worktable::testing
