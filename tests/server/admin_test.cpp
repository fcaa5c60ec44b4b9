// API.md "Administration": GET /admin and PUT /admin/licenses, and the licenses that
// active rows of the Users table take.
#include <gtest/gtest.h>

#include "worktable/testing/api.h"

namespace {

using namespace worktable::testing;

class Admin : public ServerTest<Admin> {
 protected:
  static Json admin(Tenant& tenant) {
    Response response = tenant.api.get("/api/v1/admin");
    EXPECT_EQ(response.status, 200) << describe(response);
    return response.json();
  }

  static Response putLicenses(Tenant& tenant, const Poco::Dynamic::Var& total) {
    return tenant.api.put("/api/v1/admin/licenses", object({{"total", total}}));
  }
};

TEST_F(Admin, DescribesTheCompanyItsUsersTableAndItsLicenses) {
  Tenant acme = newTenant("admin");
  Json info = admin(acme);
  EXPECT_EQ(info["companyId"].integer(), acme.company_id);
  int64_t administration = workspaceNamed(acme.api, "Administration");
  ASSERT_NE(administration, 0);
  EXPECT_EQ(info["workspaceId"].integer(), administration);
  EXPECT_EQ(info["usersTableId"].integer(), tableNamed(acme.api, administration, "Users")["id"].integer());
  EXPECT_EQ(info["licenses"]["total"].integer(), 5);
  EXPECT_EQ(info["licenses"]["used"].integer(), 1);
  EXPECT_EQ(info["licenses"]["free"].integer(), 4);
}

TEST_F(Admin, DescribesEachCompanyApart) {
  Tenant acme = newTenant("admin-a");
  Tenant globex = newTenant("admin-b");
  Json a = admin(acme);
  Json b = admin(globex);
  EXPECT_EQ(b["companyId"].integer(), globex.company_id);
  EXPECT_NE(a["workspaceId"].integer(), b["workspaceId"].integer());
  EXPECT_NE(a["usersTableId"].integer(), b["usersTableId"].integer());
}

TEST_F(Admin, RaisingTheLicenseTotalAnswersWithTheNewCounts) {
  Tenant acme = newTenant("lic-raise");
  Response response = putLicenses(acme, 10);
  ASSERT_EQ(response.status, 200) << describe(response);
  Json licenses = response.json();
  EXPECT_EQ(licenses["total"].integer(), 10);
  EXPECT_EQ(licenses["used"].integer(), 1);
  EXPECT_EQ(licenses["free"].integer(), 9);
  EXPECT_EQ(admin(acme)["licenses"].dump(), licenses.dump());
}

TEST_F(Admin, LoweringTheTotalToWhatIsUsedLeavesNoneFree) {
  Tenant acme = newTenant("lic-exact");
  Response response = putLicenses(acme, 1);
  ASSERT_EQ(response.status, 200) << describe(response);
  EXPECT_EQ(response.json()["total"].integer(), 1);
  EXPECT_EQ(response.json()["free"].integer(), 0);
}

TEST_F(Admin, RefusesATotalBelowTheLicensesInUse) {
  Tenant acme = newTenant("lic-below");
  EXPECT_TRUE(isError(putLicenses(acme, 0), 409, "licenses_in_use"));
  EXPECT_EQ(admin(acme)["licenses"]["total"].integer(), 5);
}

TEST_F(Admin, RefusesANegativeTotal) {
  Tenant acme = newTenant("lic-negative");
  Response response = putLicenses(acme, -3);
  EXPECT_TRUE(response.status == 409 || response.status == 422) << describe(response);
  EXPECT_TRUE(isError(response, response.status));
  EXPECT_EQ(admin(acme)["licenses"]["total"].integer(), 5);
}

TEST_F(Admin, RefusesALicenseBodyWithoutAWholeNumber) {
  Tenant acme = newTenant("lic-malformed");
  EXPECT_TRUE(isError(acme.api.put("/api/v1/admin/licenses", object({{"count", 10}})), 400));
  EXPECT_TRUE(
      isError(acme.api.request("PUT", "/api/v1/admin/licenses", "ten", {{"Content-Type", "application/json"}}), 400));
  EXPECT_EQ(admin(acme)["licenses"]["total"].integer(), 5);
}

TEST_F(Admin, NeedsASession) {
  HttpClient client = anonymous();
  EXPECT_TRUE(isError(client.get("/api/v1/admin"), 401));
  EXPECT_TRUE(isError(client.put("/api/v1/admin/licenses", object({{"total", 10}})), 401));
}

TEST_F(Admin, DoesNotDescribeACompanyTheCallerDoesNotBelongTo) {
  Tenant acme = newTenant("admin-mine");
  Tenant globex = newTenant("admin-theirs");
  std::string theirs = "?company=" + std::to_string(globex.company_id);
  EXPECT_TRUE(isError(acme.api.get("/api/v1/admin" + theirs), 404));
  EXPECT_TRUE(isError(acme.api.put("/api/v1/admin/licenses" + theirs, object({{"total", 50}})), 404));
  EXPECT_EQ(admin(globex)["licenses"]["total"].integer(), 5);
}

TEST_F(Admin, NamesTheCallersOwnCompanyWithTheCompanyParameter) {
  Tenant acme = newTenant("admin-param");
  Response response = acme.api.get("/api/v1/admin?company=" + std::to_string(acme.company_id));
  ASSERT_EQ(response.status, 200) << describe(response);
  EXPECT_EQ(response.json()["companyId"].integer(), acme.company_id);
}

TEST_F(Admin, AnActiveUserRowTakesALicense) {
  Tenant acme = newTenant("lic-use");
  int64_t users = admin(acme)["usersTableId"].integer();
  Person colleague = newPerson("colleague");
  Response response = acme.api.post(tablePath(users, "/records"),
                                    object({{"values", object({{"User ID", "colleague-" + colleague.email},
                                                               {"First Name", "Grace"},
                                                               {"Last Name", "Hopper"},
                                                               {"Email", colleague.email},
                                                               {"Status", "Active"}})}}));
  ASSERT_EQ(response.status, 201) << describe(response);
  EXPECT_EQ(response.json()["values"]["Status"].str(), "Active");
  EXPECT_EQ(response.json()["values"]["Validation result"].str(), "OK");
  Json licenses = admin(acme)["licenses"];
  EXPECT_EQ(licenses["used"].integer(), 2);
  EXPECT_EQ(licenses["free"].integer(), 3);
  EXPECT_TRUE(isError(putLicenses(acme, 1), 409, "licenses_in_use"));
}

TEST_F(Admin, AnActiveUserRowWithoutAFreeLicenseIsStoredInactiveWithTheReason) {
  Tenant acme = newTenant("lic-full");
  ASSERT_EQ(putLicenses(acme, 1).status, 200);
  int64_t users = admin(acme)["usersTableId"].integer();
  Person colleague = newPerson("no-license");
  Response response = acme.api.post(tablePath(users, "/records"),
                                    object({{"values", object({{"User ID", "nolicense-" + colleague.email},
                                                               {"First Name", "Alan"},
                                                               {"Last Name", "Turing"},
                                                               {"Email", colleague.email},
                                                               {"Status", "Active"}})}}));
  ASSERT_EQ(response.status, 201) << describe(response);
  Json values = response.json()["values"];
  EXPECT_FALSE(values["Status"].isString() && values["Status"].str() == "Active") << values;
  EXPECT_TRUE(values["Validation result"].isString()) << values;
  EXPECT_NE(values["Validation result"].str(), "OK");
  EXPECT_EQ(admin(acme)["licenses"]["used"].integer(), 1);
}

}  // namespace
