#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "services/deps.h"
#include "services/scope.h"

namespace liantiao::services {

struct LoginResult {
  std::string token;  // shown once; only its hash is stored
  std::string csrf_token;
  json user;
};

struct SessionView {
  Principal principal;
  std::string csrf_token;
};

// The admin's list of users: `role` and `city_code` narrow it, `search` matches part of
// a user name (without regard to case) or display name, before the page is cut.
struct UserQuery {
  std::optional<std::string> role, city_code, search;
  PageRequest page;
};

struct NewUser {
  domain::Role role;
  std::string username;
  std::string password;
  std::string display_name;
  std::optional<std::string> city_code;
  std::optional<long long> vendor_id;
};
// What a new user's own fields must be, before any record is read: the user name's
// form, the password's length, and the city or enterprise its role needs and no other.
Status ValidateNewUser(const NewUser& u);

// The enterprise information a vendor keeps up to date (the credit code is fixed at
// registration).
struct VendorProfile {
  std::string name, legal_rep, address, contact_name, contact_phone, contact_email;
};

struct VendorRegistration {
  VendorProfile enterprise;
  std::string credit_code;
  std::string username, password;
  // The address it came from: at most config.signup_max_per_client sign-ups from one
  // address within config.signup_window_minutes. Empty (the demo, the CLI): not counted.
  std::string client;
};

class AuthService {
 public:
  explicit AuthService(Deps& deps) : deps_(deps) {}

  // Throttled per user name and client (the address the request came from): after
  // config.login_max_failures failures of that name from that client within the window,
  // even a right password from it is refused until the window passes; other clients
  // still log in, until the name's failures from all clients reach
  // config.login_max_failures_all (a guessing spread over many addresses). A client whose
  // failures over every name reach config.login_max_failures_client logs in as nobody
  // until the window passes. The password is hashed in a slot of deps.hashing: when
  // none frees in time the answer is server_busy, and no attempt is filed.
  Result<LoginResult> Login(const std::string& username, const std::string& password, const std::string& client = "");
  Status Logout(const std::string& token);
  // Deletes the failed logins and sign-ups the limits no longer count (older than their
  // windows) and the expired sessions: guesses at made-up user names would otherwise
  // stay forever.
  // Answers how many rows went.
  Result<long long> PurgeExpired();
  Result<SessionView> Authenticate(const std::string& token);
  Result<json> Me(const Principal& p);

  // Creates a user (the CLI, the demo and admins). Checks the role's scope fields.
  Result<long long> AddUser(const NewUser& user, const Actor& actor);
  Result<ListPage> ListUsers(const Principal& p, const UserQuery& q);
  // The caller's own password: the current one must be given; the user's other
  // sessions end (the one that asked, `keep_token`, stays).
  Status ChangePassword(const Principal& p, const std::string& keep_token, const std::string& current,
                        const std::string& next);
  // An admin disables or enables a user (a disabled user cannot log in, and its
  // sessions end) or sets a new password (its sessions end). Not the admin itself.
  Result<json> UpdateUser(const Principal& p, long long id, std::optional<bool> active,
                          std::optional<std::string> password);

  // Public self-registration of a vendor enterprise and its first user. A credit code
  // that is well formed but fails the checksum is accepted only when
  // `allow_pilot_codes` is set (warn-only mode), and is flagged. Throttled per client
  // (VendorRegistration::client): too_many_attempts with details.retry_after_minutes.
  Result<json> RegisterVendor(const VendorRegistration& reg, bool allow_pilot_codes);
  Result<json> GetVendor(const Principal& p);
  // Every vendor enterprise, for the admin (who adds their users) and the province: by
  // id, `search` matching part of the name or credit code, a page at a time.
  Result<ListPage> ListVendors(const Principal& p, const std::optional<std::string>& search, PageRequest page);
  Result<json> UpdateVendor(const Principal& p, const VendorProfile& profile);
  // An admin releases an enterprise (注销), with the reason: its credit code may be
  // registered again (by its holder, when someone else had registered it), its users are
  // disabled and logged out, and its record, applications and history stay. Refused
  // (invalid_transition) while one of its applications is under review, returned or in
  // the joint test, with their ids in details.applications, and when already released.
  Result<json> ReleaseVendor(const Actor& actor, long long id, const std::string& reason);
  // Whether enterprise `id` is registered, released or not (not_found otherwise).
  Status LocateVendor(long long id);

 private:
  // crypto::HashPassword in a slot of deps_.hashing (server_busy when none is free).
  // `file`, when given, runs once the slot is taken and before the hash (a request turned
  // away busy is not filed); its error is the answer.
  Result<std::string> HashInTurn(const std::string& password, const std::function<Status()>& file = nullptr);
  // Files a sign-up from `client`, or answers too_many_attempts when the client's
  // sign-ups within the window reach the limit.
  Status FileSignup(const std::string& client);

  Deps& deps_;
};

json UserJson(long long id, const std::string& username, const std::string& display_name, domain::Role role,
              const std::optional<std::string>& city, const std::optional<long long>& vendor);

// Validation shared by the services: non-empty, length-limited text fields.
// Nothing but spaces (ASCII or ideographic), tabs and line breaks.
bool IsBlank(std::string_view text);
// A required text field: missing_field when blank, invalid_field when over max_len characters
// or holding characters nobody sees (HasHiddenControls).
Status RequireText(const std::string& value, std::string_view field, std::size_t max_len = 500);
// An optional text field: may be empty; otherwise invalid_field when over max_len characters
// or holding characters nobody sees.
Status OptionalText(const std::string& value, std::string_view field, std::size_t max_len);

}  // namespace liantiao::services
