from rules_py.cli import main

raise SystemExit(main())
