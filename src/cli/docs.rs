//! `tenet completions` and `tenet man`: shell completion scripts and the
//! manual page, generated from the command line's own definition so they
//! never fall behind it.

use clap_complete::Shell;

/// Prints the completion script of `shell` for `cmd`; returns the exit status.
pub fn completions(shell: Shell, cmd: &mut clap::Command) -> u8 {
    let name = cmd.get_name().to_string();
    // Generated into memory, where a write cannot fail (the generators
    // stop the program on a failed write), then printed as every output
    // is: a closed pipe ends quietly.
    let mut script = Vec::new();
    clap_complete::generate(shell, cmd, name, &mut script);
    super::out(&String::from_utf8_lossy(&script));
    0
}

/// Prints the manual page of `cmd` as roff; returns the exit status.
pub fn man(cmd: clap::Command) -> u8 {
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut page) {
        super::err(&format!("error: cannot render the manual page: {e}\n"));
        return 2;
    }
    super::out(&String::from_utf8_lossy(&page));
    0
}
