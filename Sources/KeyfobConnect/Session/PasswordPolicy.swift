/// What a live owner's password must be (NIST SP 800-63B §3.1.1.2): at least 8 characters, at
/// most 128 (bcrypt reads 72 bytes; longer ones are refused rather than silently cut), not the
/// email, and not one of the passwords every guessing list starts with.
public enum PasswordPolicy {
    /// Why `password` cannot be used for `email`, or nil when it can.
    public static func problem(with password: String, email: String) -> String? {
        guard password.count >= 8 else { return "a password needs at least 8 characters" }
        guard password.utf8.count <= 72 else { return "a password may have at most 72 bytes (bcrypt's limit)" }
        let lowered = password.lowercased()
        let local = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        guard lowered != email.lowercased(), lowered != local else { return "a password must not be the email" }
        guard !common.contains(lowered) else { return "that password is among the most common ones; choose another" }
        return nil
    }

    /// The most common passwords of eight characters or more, lowercased (from public breach
    /// corpus rankings); a guesser tries these first.
    static let common: Set<String> = [
        "password", "password1", "password12", "password123", "password!", "passw0rd", "p@ssw0rd", "p@ssword", "12345678",
        "123456789", "1234567890", "0123456789", "87654321", "11111111", "00000000", "88888888", "12341234", "11223344",
        "qwertyui", "qwerty123", "qwertyuiop", "1q2w3e4r", "1qaz2wsx", "zaq12wsx", "asdfghjk", "asdfasdf", "iloveyou",
        "iloveyou1", "sunshine", "princess", "football", "baseball", "superman", "starwars", "whatever", "trustno1",
        "letmein1", "welcome1", "welcome123", "abcd1234", "abc12345", "admin123", "administrator", "changeme", "michelle",
        "jennifer", "computer", "internet", "mercedes", "ferrari1", "corvette", "mustang1", "porsche1", "keyfob123",
        "smartcar", "vehicle1", "aa123456", "qwer1234", "1q2w3e4r5t", "q1w2e3r4", "passpass", "testtest", "test1234",
    ]
}
