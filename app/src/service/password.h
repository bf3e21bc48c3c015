// Password hashing for service users: PBKDF2-HMAC-SHA256 from OpenSSL with a random salt and a high iteration
// count, encoded as "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>", compared in constant time.
#pragma once

#include <string>

namespace ejournal::app::service {

inline constexpr int kDefaultPasswordIterations = 600000;  // OWASP 2023 figure for PBKDF2-HMAC-SHA256
inline constexpr int kMinPasswordIterations = 1000;        // below this a stored hash is refused as unsafe

// Checks a new password against the policy (at least 10 characters, not all of one kind); throws
// ejournal::Error(Input) with a Russian message.
void checkPasswordPolicy(const std::string& password);

// Hashes a password with a fresh 16-byte salt. Throws ejournal::Error(Internal) if OpenSSL fails.
std::string hashPassword(const std::string& password, int iterations = kDefaultPasswordIterations);

// True when `password` matches `encoded` (constant-time comparison). False for a malformed or unsafe hash.
bool verifyPassword(const std::string& password, const std::string& encoded);

// The iteration count of an encoded hash; 0 when malformed.
int iterationsOf(const std::string& encoded);

// Spends the same time as one verification; used when the login is unknown so timing does not reveal it.
void dummyVerify(const std::string& password, int iterations = kDefaultPasswordIterations);

// A random URL-safe secret of `bytes` random bytes (base64url without padding).
std::string randomSecret(size_t bytes);

}  // namespace ejournal::app::service
