#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/time.h"
#include "http/client.h"
#include "standard/profile.h"
#include "standard/wire.h"

// `liantiao device`: a device simulator that speaks a city's interface standard. It
// signs and sends the sequence a real face gate or attendance terminal would (team,
// workers with photos, entry, attendance, contract, payroll, training), polls the
// asynchronous results, retries a transient -5 or server error with the same data,
// and on request makes the mistakes a vendor makes. Vendors use it to see a correct
// exchange; the tests and the benchmark use it to drive the sandbox.
namespace liantiao::app {

using nlohmann::json;

struct DeviceOptions {
  const standard::Profile* profile = nullptr;
  std::string endpoint;  // from the key claim: ".../open.api" or ".../{method}"
  std::string app_id;
  std::string secret;
  std::string project_code, corp_code, corp_name;  // empty: learnt from CheckSign.Query
  bool mistakes = false;                           // also send deliberate mistakes, then correct them
  int workers = 2;
  std::chrono::milliseconds poll_interval{500};
  std::chrono::milliseconds retry_delay{1000};
  int max_polls = 20;
  bool quiet = false;
  const Clock* clock = nullptr;  // timestamps and dates; the wall clock from the CLI
  // Waits between polls and retries; tests pass one that does not sleep.
  std::function<void(std::chrono::milliseconds)> wait;
};

struct DeviceExchange {
  std::string method;
  bool deliberate_mistake = false;
  json request_data;  // plaintext
  json answer;        // the envelope
  bool accepted = false;
};

struct DeviceReport {
  std::vector<DeviceExchange> exchanges;
  int accepted = 0, refused = 0, unexpected = 0;
  bool ok() const { return unexpected == 0; }
};

// One device: a connection, a key and the profile, sending one request at a time.
class DeviceClient {
 public:
  static Result<std::unique_ptr<DeviceClient>> Make(const DeviceOptions& options);

  // Signs and sends; the envelope, or a transport error.
  Result<json> Send(const std::string& method, const json& data);
  // A request whose signature is wrong on purpose.
  Result<json> SendBadlySigned(const std::string& method, const json& data);
  standard::Form Build(const std::string& method, const json& data);
  Result<json> SendForm(const std::string& method, const standard::Form& form);

  bool Success(const json& answer) const;
  std::string CodeOf(const json& answer) const;
  const standard::Profile& profile() const { return *options_.profile; }
  const standard::KeyCodec& codec() const { return codec_; }

 private:
  explicit DeviceClient(DeviceOptions options, standard::KeyCodec codec, http::Url url);
  DeviceOptions options_;
  standard::KeyCodec codec_;
  http::Url url_;
  http::HttpConnection connection_;
  unsigned long long nonce_ = 0;
  std::string nonce_prefix_;
};

// Runs the whole sequence, printing each exchange to `out` unless quiet.
Result<DeviceReport> RunDevice(const DeviceOptions& options, std::ostream& out);

// One request of the vendor's own (`liantiao device --send`): its `data` in plaintext,
// and `given`, the requests it assumes ({method, data} each, as a shipped example lists
// them), empty for data of the vendor's own.
struct DeviceRequest {
  json data;
  json given = json::array();
};
// From a `--data` file's text, or a shipped example's body already parsed: an example
// (an object with `data` and `expect`) gives its `data` and `given`; anything else is
// the `data` itself, a JSON object.
Result<DeviceRequest> DeviceData(std::string_view text);
Result<DeviceRequest> DeviceRequestOf(const json& file);

// Sends `request` instead of the sequence: the `given` requests first, then the
// method's. The fields the profile sends encrypted are encrypted here. Their `${…}`
// tokens are filled as the tests fill the shipped examples': standard::ExampleTokens
// for the key's test project and contractor (the options', else CheckSign.Query's
// answer), the clock's dates and sample images; standard::NoteAssigned for what the
// given requests were assigned; `${serial}` the last asynchronous write's serial code.
// Every asynchronous write is
// polled until its result is final. A refusal, or a failed result, is the error, after
// the exchange is printed; so is a `${…}` token nothing fills, before anything is sent.
Result<DeviceReport> SendOne(const DeviceOptions& options, const std::string& method, const DeviceRequest& request,
                             std::ostream& out);

// A valid GB 11643 identity number from a seed (a fictitious person born 1985–1999).
std::string FictitiousIdNumber(unsigned long long seed);
// A worker as ProjectWorker.Add lists one, with the least a city requires (type of
// work, role, photo, phone, issuing office): what the simulator, the benchmark's
// workload and the tests register.
json SampleWorker(const std::string& name, const std::string& id_number);

}  // namespace liantiao::app
