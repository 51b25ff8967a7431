// Every page module registers itself; a capability adds its pages by importing them here.
import './login.ts';
import './home.ts';
import './registry.ts';
