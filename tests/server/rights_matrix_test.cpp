// The authorization matrix (issue 4): every route of API.md that needs a session, called over
// real HTTP by each kind of caller, with the status API.md and the roles give:
//   anonymous                 no session: 401 everywhere
//   company admin             admin of acme: admin on every acme workspace
//   owner                     acme staff who created the workspace
//   member without rights     acme staff (hired through the Users table) not given the workspace
//   viewer, editor, ws admin  acme staff given the workspace with that role by invitation
//   partner                   globex staff invited into the workspace as editor (external in acme)
//   other company's admin     the admin of globex, nothing given in acme
// What a caller may not see answers 404; what it sees but may not do answers 403.
// One server and one set-up for the whole suite; each state-changing call works on its own
// record, member or invitation, so the calls do not depend on each other's order.
#include <gtest/gtest.h>

#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>

#include "sharing_support.h"
#include "worktable/testing/api.h"

namespace {

using namespace worktable::testing;

enum class Actor { kAnonymous, kCompanyAdmin, kOwner, kNoRights, kViewer, kEditor, kWsAdmin, kPartner, kOtherAdmin };

constexpr Actor kActors[] = {Actor::kAnonymous, Actor::kCompanyAdmin, Actor::kOwner,   Actor::kNoRights,
                             Actor::kViewer,    Actor::kEditor,       Actor::kWsAdmin, Actor::kPartner,
                             Actor::kOtherAdmin};

const char* actorName(Actor actor) {
  switch (actor) {
    case Actor::kAnonymous: return "anonymous";
    case Actor::kCompanyAdmin: return "company admin";
    case Actor::kOwner: return "workspace owner";
    case Actor::kNoRights: return "company member without rights";
    case Actor::kViewer: return "workspace viewer";
    case Actor::kEditor: return "workspace editor";
    case Actor::kWsAdmin: return "workspace admin";
    case Actor::kPartner: return "external partner (editor)";
    case Actor::kOtherAdmin: return "another company's admin";
  }
  return "?";
}

// A short tag for names and emails.
std::string actorTag(Actor actor) {
  switch (actor) {
    case Actor::kAnonymous: return "anon";
    case Actor::kCompanyAdmin: return "cadmin";
    case Actor::kOwner: return "owner";
    case Actor::kNoRights: return "norights";
    case Actor::kViewer: return "viewer";
    case Actor::kEditor: return "editor";
    case Actor::kWsAdmin: return "wsadmin";
    case Actor::kPartner: return "partner";
    case Actor::kOtherAdmin: return "oadmin";
  }
  return "?";
}

// One row of the matrix: the status each actor gets (0: not written, a test error).
struct Expected {
  int anonymous = 0;
  int company_admin = 0;
  int owner = 0;
  int no_rights = 0;
  int viewer = 0;
  int editor = 0;
  int ws_admin = 0;
  int partner = 0;
  int other_admin = 0;

  int of(Actor actor) const {
    switch (actor) {
      case Actor::kAnonymous: return anonymous;
      case Actor::kCompanyAdmin: return company_admin;
      case Actor::kOwner: return owner;
      case Actor::kNoRights: return no_rights;
      case Actor::kViewer: return viewer;
      case Actor::kEditor: return editor;
      case Actor::kWsAdmin: return ws_admin;
      case Actor::kPartner: return partner;
      case Actor::kOtherAdmin: return other_admin;
    }
    return 0;
  }
};

// The rows most routes follow, for a workspace of acme and its tables.
// Reading: anyone with a role in it.
Expected reads(int ok) {
  return {.anonymous = 401, .company_admin = ok, .owner = ok, .no_rights = 404, .viewer = ok, .editor = ok,
          .ws_admin = ok, .partner = ok, .other_admin = 404};
}
// Writing records: editor and up (the partner is an editor).
Expected writesRecords(int ok) {
  return {.anonymous = 401, .company_admin = ok, .owner = ok, .no_rights = 404, .viewer = 403, .editor = ok,
          .ws_admin = ok, .partner = ok, .other_admin = 404};
}
// Managing tables, fields and members: workspace admin and up.
Expected manages(int ok) {
  return {.anonymous = 401, .company_admin = ok, .owner = ok, .no_rights = 404, .viewer = 403, .editor = 403,
          .ws_admin = ok, .partner = 403, .other_admin = 404};
}
// Anything about one's own session.
Expected anySession(int ok) {
  return {.anonymous = 401, .company_admin = ok, .owner = ok, .no_rights = ok, .viewer = ok, .editor = ok,
          .ws_admin = ok, .partner = ok, .other_admin = ok};
}

struct Credentials {
  std::string email;
  std::string password;
};

// Everything the matrix works on, set up once.
struct World {
  explicit World(const TestServer& server) : server(server), anonymous(server.host(), server.port()) {}

  const TestServer& server;
  HttpClient anonymous;
  std::optional<Company> acme;    // its tenant: the company admin
  std::optional<Company> globex;  // its tenant: another company's admin
  std::optional<Tenant> initech;  // invites every actor into a workspace of its own
  std::map<Actor, Staff> staff;   // owner, no rights, viewer, editor, ws admin (acme); partner (globex)
  std::map<Actor, Credentials> credentials;

  int64_t workspace = 0;      // "Shared", created by the owner
  int64_t table = 0;          // "Tasks" in it: Title (text), Points (number)
  int64_t scratch_table = 0;  // "Scratch" in it, for new fields
  int64_t record = 0;         // a record of Tasks for reads and patches
  int64_t administration = 0;
  int64_t users_table = 0;
  int64_t patch_target = 0;  // an account with viewer rights in the workspace

  // Per actor, so that no call depends on another's outcome.
  std::map<Actor, int64_t> record_to_delete;
  std::map<Actor, int64_t> invitation_to_resend;
  std::map<Actor, int64_t> invitation_to_revoke;
  std::map<Actor, int64_t> member_to_remove;
  std::map<Actor, std::string> own_token;  // an initech invitation addressed to the actor
  std::string strangers_token;             // an initech invitation addressed to nobody here
  std::vector<Tenant> targets;             // accounts invited into the workspace to be patched or removed

  HttpClient& client(Actor actor) {
    switch (actor) {
      case Actor::kAnonymous: return anonymous;
      case Actor::kCompanyAdmin: return acme->tenant.api;
      case Actor::kOtherAdmin: return globex->tenant.api;
      default: return staff.at(actor).api;
    }
  }
};

// Invites each email, then collects each token: the mails are written in one go.
std::vector<SentInvitation> inviteAll(const TestServer& server, HttpClient& inviter, int64_t workspace_id,
                                      const std::vector<std::string>& emails, const std::string& role) {
  std::vector<size_t> before;
  for (const std::string& email : emails) before.push_back(workspaceInvitationMails(server.dataDir(), email).size());
  std::vector<SentInvitation> sent;
  for (const std::string& email : emails) {
    Response invited = postInvitation(inviter, workspace_id, email, role);
    if (invited.status != 201) throw std::runtime_error("inviting " + email + " failed: " + describe(invited));
    sent.push_back({invited.json()["id"].integer(), {}});
  }
  for (size_t i = 0; i < emails.size(); ++i) {
    sent[i].token = waitForWorkspaceToken(server.dataDir(), emails[i], before[i] + 1);
  }
  return sent;
}

std::unique_ptr<World> buildWorld(const TestServer& server) {
  auto world = std::make_unique<World>(server);
  World& w = *world;
  w.acme.emplace(newCompany(server, "mx-acme"));
  w.globex.emplace(newCompany(server, "mx-globex"));
  Company& acme = *w.acme;
  Company& globex = *w.globex;
  // PUT /admin/licenses sets these totals again later, changing nothing.
  for (auto [company, total] : {std::pair{&acme, 16}, std::pair{&globex, 7}}) {
    Response set = company->tenant.api.put("/api/v1/admin/licenses", object({{"total", total}}));
    if (set.status != 200) throw std::runtime_error("PUT /admin/licenses failed: " + describe(set));
  }
  for (Actor actor : {Actor::kOwner, Actor::kNoRights, Actor::kViewer, Actor::kEditor, Actor::kWsAdmin}) {
    w.staff.emplace(actor, hire(server, acme, "mx-" + actorTag(actor)));
  }
  w.staff.emplace(Actor::kPartner, hire(server, globex, "mx-partner"));
  for (auto& [actor, staff] : w.staff) w.credentials[actor] = {staff.row.email, kStaffPassword};
  w.credentials[Actor::kCompanyAdmin] = {acme.tenant.person.email, acme.tenant.person.password};
  w.credentials[Actor::kOtherAdmin] = {globex.tenant.person.email, globex.tenant.person.password};

  Response admin = acme.tenant.api.get("/api/v1/admin");
  w.administration = admin.json()["workspaceId"].integer();
  w.users_table = acme.users_table;

  HttpClient& owner = w.staff.at(Actor::kOwner).api;
  w.workspace = createWorkspace(owner, "Shared");
  w.table = createTable(owner, w.workspace, "Tasks",
                        array({object({{"name", "Title"}, {"type", "text"}}),
                               object({{"name", "Points"}, {"type", "number"}})}))["id"]
                .integer();
  w.scratch_table =
      createTable(owner, w.workspace, "Scratch", array({object({{"name", "Note"}, {"type", "text"}})}))["id"].integer();
  w.record = createRecord(owner, w.table, object({{"Title", "Read me"}, {"Points", 1}}))["id"].integer();
  for (Actor actor : kActors) {
    w.record_to_delete[actor] =
        createRecord(owner, w.table, object({{"Title", "Delete me (" + actorTag(actor) + ")"}}))["id"].integer();
  }

  // The roles, given by invitation and accepted by each.
  std::vector<std::pair<Actor, std::string>> roles = {
      {Actor::kViewer, "viewer"}, {Actor::kEditor, "editor"}, {Actor::kWsAdmin, "admin"}, {Actor::kPartner, "editor"}};
  for (const auto& [actor, role] : roles) {
    Staff& staff = w.staff.at(actor);
    shareWorkspace(server, owner, w.workspace, staff.row.email, staff.api, role);
  }

  // Invitations to resend and to revoke, one of each per actor.
  for (Actor actor : kActors) {
    for (auto* target : {&w.invitation_to_resend, &w.invitation_to_revoke}) {
      Person invitee = newPerson("mx-pending-" + actorTag(actor));
      Response invited = postInvitation(owner, w.workspace, invitee.email, "viewer");
      if (invited.status != 201) throw std::runtime_error("inviting failed: " + describe(invited));
      (*target)[actor] = invited.json()["id"].integer();
    }
  }

  // Members to remove (one per actor) and one whose role is set again.
  std::vector<std::string> target_emails;
  for (size_t i = 0; i <= std::size(kActors); ++i) {
    w.targets.push_back(signUp(server, newPerson("mx-target")));
    target_emails.push_back(w.targets.back().person.email);
  }
  std::vector<SentInvitation> sent = inviteAll(server, owner, w.workspace, target_emails, "viewer");
  for (size_t i = 0; i < sent.size(); ++i) {
    Response accepted = acceptWorkspaceInvitation(w.targets[i].api, sent[i].token);
    if (accepted.status != 200) throw std::runtime_error("a target's accept failed: " + describe(accepted));
  }
  for (size_t i = 0; i < std::size(kActors); ++i) w.member_to_remove[kActors[i]] = w.targets[i].account_id;
  w.patch_target = w.targets.back().account_id;

  // initech invites every logged-in actor, and a stranger, into a workspace of its own.
  w.initech.emplace(signUp(server, newPerson("mx-initech")));
  int64_t guest = createWorkspace(w.initech->api, "Guests");
  std::vector<Actor> invited_actors;
  std::vector<std::string> emails;
  for (Actor actor : kActors) {
    if (actor == Actor::kAnonymous) continue;
    invited_actors.push_back(actor);
    emails.push_back(w.credentials.at(actor).email);
  }
  emails.push_back(newPerson("mx-stranger").email);
  std::vector<SentInvitation> guests = inviteAll(server, w.initech->api, guest, emails, "viewer");
  for (size_t i = 0; i < invited_actors.size(); ++i) w.own_token[invited_actors[i]] = guests[i].token;
  w.strangers_token = guests.back().token;
  return world;
}

using Call = std::function<Response(Actor, HttpClient&)>;

class RightsMatrix : public ServerTest<RightsMatrix> {
 public:
  static void SetUpTestSuite() {
    ServerTest<RightsMatrix>::SetUpTestSuite();
    if (!serverStarted()) return;
    try {
      world_ = buildWorld(server());
    } catch (const std::exception& e) {
      world_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    world_.reset();
    ServerTest<RightsMatrix>::TearDownTestSuite();
  }

 protected:
  void SetUp() override {
    ServerTest<RightsMatrix>::SetUp();
    ASSERT_TRUE(world_) << "the matrix set-up failed: " << world_error_;
  }

  static World& world() { return *world_; }

  // Calls the route as each actor and checks the status (and, for refusals, API.md's error
  // body); each failure names the route and the actor.
  static void expectStatuses(const std::string& route, const Expected& expected, const Call& call) {
    for (Actor actor : kActors) {
      int status = expected.of(actor);
      if (status == 0) {
        ADD_FAILURE() << route << ": the matrix has no status for " << actorName(actor);
        continue;
      }
      Response response = call(actor, world().client(actor));
      if (status >= 400) {
        EXPECT_TRUE(isError(response, status)) << route << " as " << actorName(actor);
      } else {
        EXPECT_EQ(response.status, status) << route << " as " << actorName(actor) << ": " << describe(response);
      }
    }
  }

 private:
  inline static std::unique_ptr<World> world_;
  inline static std::string world_error_;
};

// ---- Accounts and sessions -------------------------------------------------------------

TEST_F(RightsMatrix, GetMe) {
  expectStatuses("GET /api/v1/me", anySession(200), [](Actor, HttpClient& c) { return c.get("/api/v1/me"); });
}

TEST_F(RightsMatrix, Logout) {
  // Each actor logs out a session of its own, opened for this call; the token then stops working.
  expectStatuses("POST /api/v1/logout", anySession(204), [](Actor actor, HttpClient& c) {
    if (actor == Actor::kAnonymous) return c.post("/api/v1/logout", object({}));
    const Credentials& who = world().credentials.at(actor);
    HttpClient session(world().server.host(), world().server.port());
    session.setBearer(login(session, who.email, who.password));
    Response out = session.post("/api/v1/logout", object({}));
    if (out.status == 204) {
      EXPECT_TRUE(isError(session.get("/api/v1/me"), 401)) << "the token logged out by " << actorName(actor);
    }
    return out;
  });
  // The actors' own sessions were not touched.
  for (Actor actor : kActors) {
    if (actor == Actor::kAnonymous) continue;
    EXPECT_EQ(world().client(actor).get("/api/v1/me").status, 200) << actorName(actor);
  }
}

// ---- Workspaces, tables, fields --------------------------------------------------------

TEST_F(RightsMatrix, ListWorkspaces) {
  expectStatuses("GET /api/v1/workspaces", anySession(200),
                 [](Actor, HttpClient& c) { return c.get("/api/v1/workspaces"); });
}

TEST_F(RightsMatrix, ListWorkspacesShowsTheSharedWorkspaceWithTheCallersRole) {
  std::map<Actor, std::string> role = {
      {Actor::kCompanyAdmin, "admin"}, {Actor::kOwner, "owner"},     {Actor::kNoRights, ""},
      {Actor::kViewer, "viewer"},      {Actor::kEditor, "editor"},   {Actor::kWsAdmin, "admin"},
      {Actor::kPartner, "editor"},     {Actor::kOtherAdmin, ""},
  };
  for (const auto& [actor, expected] : role) {
    Response listed = world().client(actor).get("/api/v1/workspaces");
    ASSERT_EQ(listed.status, 200) << actorName(actor) << ": " << describe(listed);
    std::string found;
    for (const Json& workspace : listed.json().elements()) {
      if (workspace["id"].integer() == world().workspace) found = workspace["role"].str();
    }
    EXPECT_EQ(found, expected) << "GET /api/v1/workspaces as " << actorName(actor)
                               << ": the role in the shared workspace (\"\": not listed); " << listed.body;
  }
}

TEST_F(RightsMatrix, CreateWorkspace) {
  // Everyone with a company creates workspaces in it; the partner's lands in its own company.
  expectStatuses("POST /api/v1/workspaces", anySession(201), [](Actor actor, HttpClient& c) {
    Response created = c.post("/api/v1/workspaces", object({{"name", "Own of " + actorTag(actor)}}));
    if (actor == Actor::kPartner && created.status == 201) {
      EXPECT_EQ(created.json()["companyId"].integer(), world().globex->tenant.company_id)
          << "the partner's workspace belongs to its own company";
    }
    return created;
  });
}

TEST_F(RightsMatrix, CreateWorkspaceInTheSharingCompany) {
  // ?company= names acme: its internal members may; the partner is external there (403);
  // another company's admin does not see acme (404).
  Expected expected = anySession(201);
  expected.partner = 403;
  expected.other_admin = 404;
  std::string path = "/api/v1/workspaces?company=" + std::to_string(world().acme->tenant.company_id);
  expectStatuses("POST " + path, expected, [&](Actor actor, HttpClient& c) {
    return c.post(path, object({{"name", "Acme of " + actorTag(actor)}}));
  });
}

TEST_F(RightsMatrix, ListTables) {
  std::string path = workspacePath(world().workspace, "/tables");
  expectStatuses("GET " + path, reads(200), [&](Actor, HttpClient& c) { return c.get(path); });
}

TEST_F(RightsMatrix, CreateTable) {
  std::string path = workspacePath(world().workspace, "/tables");
  expectStatuses("POST " + path, manages(201), [&](Actor actor, HttpClient& c) {
    return c.post(path, object({{"name", "Table of " + actorTag(actor)},
                                {"fields", array({object({{"name", "Name"}, {"type", "text"}})})}}));
  });
}

TEST_F(RightsMatrix, AddField) {
  std::string path = tablePath(world().scratch_table, "/fields");
  expectStatuses("POST " + path, manages(201), [&](Actor actor, HttpClient& c) {
    return c.post(path, object({{"name", "Field of " + actorTag(actor)}, {"type", "text"}}));
  });
}

// ---- Records -----------------------------------------------------------------------------

TEST_F(RightsMatrix, ListRecords) {
  std::string path = tablePath(world().table, "/records");
  expectStatuses("GET " + path, reads(200), [&](Actor, HttpClient& c) { return c.get(path); });
}

TEST_F(RightsMatrix, GetRecord) {
  std::string path = recordPath(world().table, world().record);
  expectStatuses("GET " + path, reads(200), [&](Actor, HttpClient& c) { return c.get(path); });
}

TEST_F(RightsMatrix, CreateRecord) {
  std::string path = tablePath(world().table, "/records");
  expectStatuses("POST " + path, writesRecords(201), [&](Actor actor, HttpClient& c) {
    return c.post(path, object({{"values", object({{"Title", "Written by " + actorTag(actor)}})}}));
  });
}

TEST_F(RightsMatrix, PatchRecord) {
  std::string path = recordPath(world().table, world().record);
  expectStatuses("PATCH " + path, writesRecords(200), [&](Actor actor, HttpClient& c) {
    return c.patch(path, object({{"values", object({{"Title", "Changed by " + actorTag(actor)}})}}));
  });
}

TEST_F(RightsMatrix, DeleteRecord) {
  expectStatuses("DELETE /api/v1/tables/{tid}/records/{rid} (a record of its own per actor)", writesRecords(204),
                 [](Actor actor, HttpClient& c) {
                   return c.del(recordPath(world().table, world().record_to_delete.at(actor)));
                 });
}

TEST_F(RightsMatrix, RecordHistory) {
  std::string path = recordPath(world().table, world().record, "/history");
  expectStatuses("GET " + path, reads(200), [&](Actor, HttpClient& c) { return c.get(path); });
}

TEST_F(RightsMatrix, Import) {
  std::string path = tablePath(world().table, "/import");
  expectStatuses("POST " + path, writesRecords(200), [&](Actor actor, HttpClient& c) {
    return c.postCsv(path, "Title,Points\r\nImported by " + actorTag(actor) + ",2\r\n");
  });
}

TEST_F(RightsMatrix, ImportDryRun) {
  std::string path = tablePath(world().table, "/import?dryRun=1");
  expectStatuses("POST " + path, writesRecords(200), [&](Actor actor, HttpClient& c) {
    return c.postCsv(path, "Title,Points\r\nTried by " + actorTag(actor) + ",3\r\n");
  });
}

TEST_F(RightsMatrix, Export) {
  std::string path = tablePath(world().table, "/export");
  expectStatuses("GET " + path, reads(200), [&](Actor, HttpClient& c) { return c.get(path); });
}

// ---- The Administration workspace and its Users table (company admins only) --------------

Expected companyAdminOnly(int ok) {
  return {.anonymous = 401, .company_admin = ok, .owner = 404, .no_rights = 404, .viewer = 404, .editor = 404,
          .ws_admin = 404, .partner = 404, .other_admin = 404};
}

TEST_F(RightsMatrix, ListAdministrationTables) {
  std::string path = workspacePath(world().administration, "/tables");
  expectStatuses("GET " + path, companyAdminOnly(200), [&](Actor, HttpClient& c) { return c.get(path); });
}

TEST_F(RightsMatrix, ListUsersRecords) {
  std::string path = tablePath(world().users_table, "/records");
  expectStatuses("GET " + path, companyAdminOnly(200), [&](Actor, HttpClient& c) { return c.get(path); });
}

TEST_F(RightsMatrix, ExportUsers) {
  std::string path = tablePath(world().users_table, "/export");
  expectStatuses("GET " + path, companyAdminOnly(200), [&](Actor, HttpClient& c) { return c.get(path); });
}

// ---- Administration --------------------------------------------------------------------

// Without ?company= the call is about the caller's own company: the admins of acme and of
// globex are admins there; staff and the partner (staff of globex) are not.
Expected ownCompanyAdmin(int ok) {
  return {.anonymous = 401, .company_admin = ok, .owner = 403, .no_rights = 403, .viewer = 403, .editor = 403,
          .ws_admin = 403, .partner = 403, .other_admin = ok};
}

// With ?company=<acme>: only acme's admin; the partner is seen there (external) but no admin;
// globex's admin does not see acme.
Expected acmeAdmin(int ok) {
  Expected expected = ownCompanyAdmin(ok);
  expected.other_admin = 404;
  return expected;
}

TEST_F(RightsMatrix, GetAdmin) {
  expectStatuses("GET /api/v1/admin", ownCompanyAdmin(200), [](Actor, HttpClient& c) { return c.get("/api/v1/admin"); });
}

TEST_F(RightsMatrix, GetAdminOfTheSharingCompany) {
  std::string path = "/api/v1/admin?company=" + std::to_string(world().acme->tenant.company_id);
  expectStatuses("GET " + path, acmeAdmin(200), [&](Actor, HttpClient& c) { return c.get(path); });
}

TEST_F(RightsMatrix, PutLicenses) {
  // Each admin sets its company's total to what it is already.
  expectStatuses("PUT /api/v1/admin/licenses", ownCompanyAdmin(200), [](Actor actor, HttpClient& c) {
    int64_t total = actor == Actor::kOtherAdmin || actor == Actor::kPartner ? 7 : 16;
    return c.put("/api/v1/admin/licenses", object({{"total", total}}));
  });
  EXPECT_EQ(licenses(*world().acme)["total"].integer(), 16);
  EXPECT_EQ(licenses(*world().globex)["total"].integer(), 7);
}

TEST_F(RightsMatrix, PutLicensesOfTheSharingCompany) {
  std::string path = "/api/v1/admin/licenses?company=" + std::to_string(world().acme->tenant.company_id);
  expectStatuses("PUT " + path, acmeAdmin(200),
                 [&](Actor, HttpClient& c) { return c.put(path, object({{"total", 16}})); });
  EXPECT_EQ(licenses(*world().acme)["total"].integer(), 16);
}

// ---- Sharing -----------------------------------------------------------------------------

TEST_F(RightsMatrix, ListMembers) {
  std::string path = workspacePath(world().workspace, "/members");
  expectStatuses("GET " + path, reads(200), [&](Actor, HttpClient& c) { return c.get(path); });
}

TEST_F(RightsMatrix, ListMembersShowsPendingInvitationsToAdminsOnly) {
  std::string path = workspacePath(world().workspace, "/members");
  for (Actor actor : {Actor::kCompanyAdmin, Actor::kOwner, Actor::kViewer, Actor::kEditor, Actor::kWsAdmin,
                      Actor::kPartner}) {
    Response listed = world().client(actor).get(path);
    ASSERT_EQ(listed.status, 200) << actorName(actor) << ": " << describe(listed);
    bool admin = actor == Actor::kCompanyAdmin || actor == Actor::kOwner || actor == Actor::kWsAdmin;
    bool pending = false;
    for (const Json& entry : listed.json().elements()) {
      pending = pending || (entry["status"].isString() && entry["status"].str() == "pending");
    }
    EXPECT_EQ(pending, admin) << "GET " << path << " as " << actorName(actor)
                              << (admin ? ": an admin sees the pending invitations" : ": only admins see invitations")
                              << "; " << listed.body;
  }
}

TEST_F(RightsMatrix, Invite) {
  std::string path = workspacePath(world().workspace, "/invitations");
  expectStatuses("POST " + path, manages(201), [&](Actor actor, HttpClient& c) {
    return c.post(path, object({{"email", newPerson("mx-invited-by-" + actorTag(actor)).email}, {"role", "viewer"}}));
  });
}

TEST_F(RightsMatrix, ResendInvitation) {
  expectStatuses("POST /api/v1/workspaces/{wid}/invitations/{id}/resend (one invitation per actor)", manages(200),
                 [](Actor actor, HttpClient& c) {
                   std::string id = std::to_string(world().invitation_to_resend.at(actor));
                   return c.post(workspacePath(world().workspace, "/invitations/" + id + "/resend"), object({}));
                 });
}

TEST_F(RightsMatrix, RevokeInvitation) {
  expectStatuses("DELETE /api/v1/workspaces/{wid}/invitations/{id} (one invitation per actor)", manages(204),
                 [](Actor actor, HttpClient& c) {
                   std::string id = std::to_string(world().invitation_to_revoke.at(actor));
                   return c.del(workspacePath(world().workspace, "/invitations/" + id));
                 });
}

TEST_F(RightsMatrix, AcceptAnInvitationAddressedToTheCaller) {
  expectStatuses("POST /api/v1/workspace-invitations/accept (the caller's own invitation)", anySession(200),
                 [](Actor actor, HttpClient& c) {
                   std::string token = actor == Actor::kAnonymous ? world().strangers_token : world().own_token.at(actor);
                   return acceptWorkspaceInvitation(c, token);
                 });
}

TEST_F(RightsMatrix, AcceptAnInvitationAddressedToSomeoneElse) {
  // The refusals leave the token usable: every actor gets the same answer.
  expectStatuses("POST /api/v1/workspace-invitations/accept (someone else's invitation)", anySession(403),
                 [](Actor actor, HttpClient& c) {
                   Response response = acceptWorkspaceInvitation(c, world().strangers_token);
                   if (actor != Actor::kAnonymous) {
                     EXPECT_TRUE(isError(response, 403, "wrong_account")) << actorName(actor);
                   }
                   return response;
                 });
}

TEST_F(RightsMatrix, ChangeMemberRole) {
  std::string path = workspacePath(world().workspace, "/members/" + std::to_string(world().patch_target));
  expectStatuses("PATCH " + path, manages(200),
                 [&](Actor, HttpClient& c) { return c.patch(path, object({{"role", "viewer"}})); });
}

TEST_F(RightsMatrix, RemoveAnotherMember) {
  expectStatuses("DELETE /api/v1/workspaces/{wid}/members/{accountId} (another member, one per actor)", manages(204),
                 [](Actor actor, HttpClient& c) {
                   std::string id = std::to_string(world().member_to_remove.at(actor));
                   return c.del(workspacePath(world().workspace, "/members/" + id));
                 });
}

}  // namespace
