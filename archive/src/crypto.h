// The archive stage's private OpenSSL layer: SHA-256 hashing, detached CMS signatures (RSA, ECDSA, GOST
// through the `gost` engine) and RFC 3161 time-stamp requests and replies. Every OpenSSL failure is turned
// into ejournal::Error or a Russian problem text carrying the error queue's reasons (tech-notes §4).
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/archive/archive.h"

namespace ejournal::archive::detail {

// Incremental SHA-256. Not thread-safe.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  std::string finishHex();  // the object must not be used afterwards

 private:
  void* ctx_;
};

std::string toHex(const unsigned char* p, size_t n);

// The errors on the OpenSSL queue (emptied): `text` in Russian, chosen by each error's library and reason
// code (a system error by its errno), for the user; `english` OpenSSL's own text with the ERR_TXT_STRING
// data, for Error::detail(); has(lib, reason) tells whether a given error was among them.
struct OpenSslErrors {
  std::string text;
  std::string english;
  std::vector<unsigned long> codes;
  bool has(int lib, int reason) const;
};
OpenSslErrors takeOpenSslFailure();
// takeOpenSslFailure().text
std::string takeOpenSslErrors();

// Loads the `gost` engine once per process; throws Error(Internal) when it is not installed.
void ensureGostEngine();

// A key and certificate ready to sign; throws Error(Input) naming the file for unreadable keys or
// certificates and for a key that does not match the certificate.
class LoadedSigner {
 public:
  explicit LoadedSigner(const SignerConfig& config);
  ~LoadedSigner();
  LoadedSigner(const LoadedSigner&) = delete;
  LoadedSigner& operator=(const LoadedSigner&) = delete;
  // DER CMS SignedData detached over `content`.
  std::string sign(std::string_view content) const;
  std::string subject() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct CmsResult {
  bool signatureOk = false;  // the content matches and the signature is valid
  bool trusted = false;      // the certificate chains to a trust anchor (checked only with CA files)
  std::string error;         // Russian + OpenSSL reason, when not ok
  std::string subject;       // signer certificate subject
  std::string algorithm;     // "RSA", "EC", "GOST R 34.10-2012"
  std::optional<std::time_t> signingTime;
  std::vector<std::string> certificatesPem;  // certificates carried in the signature
};

// Verifies a detached CMS over `content`. With CA files the certificate is checked with purpose any at
// `atTime` (or at the signingTime attribute when not given).
CmsResult cmsVerify(std::string_view der, std::string_view content, const std::vector<std::string>& caFiles,
                    std::optional<std::time_t> atTime);

// RFC 3161: a DER TimeStampReq over SHA-256(data) with the nonce and certReq.
std::string tsRequest(std::string_view data, uint64_t nonce);

struct TsResult {
  bool ok = false;
  bool trusted = false;
  std::string error;
  std::optional<std::time_t> genTime;
};

// Checks a DER TimeStampResp: status granted, imprint of `data`, the nonce when given, and with CA files the
// TSA's signature and certificate (at genTime).
TsResult tsVerify(std::string_view replyDer, std::string_view data, const std::vector<std::string>& caFiles,
                  std::optional<uint64_t> nonce);

// POSTs a time-stamp query to an http:// TSA and returns the reply body. Throws Error(Internal) with the URL.
std::string tsaPost(const std::string& url, const std::string& query);

uint64_t randomNonce();

}  // namespace ejournal::archive::detail
